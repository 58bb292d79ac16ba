/**
 * Exact rational numbers over bigint, so that puzzle answers and reward comparisons never suffer
 * floating-point error (1/3 + 1/6 is exactly 1/2 here). Values are immutable and always reduced,
 * with a positive denominator, so structural equality is value equality.
 */

export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** num/den reduced; throws RangeError on a zero denominator (callers catch it as "undefined"). */
export function rat(num: bigint | number, den: bigint | number = 1n): Rational {
  let n = BigInt(num);
  let d = BigInt(den);
  if (d === 0n) throw new RangeError('division by zero');
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d);
  return g > 1n ? { num: n / g, den: d / g } : { num: n, den: d };
}

export const ZERO = rat(0);
export const ONE = rat(1);

export const add = (a: Rational, b: Rational) => rat(a.num * b.den + b.num * a.den, a.den * b.den);
export const sub = (a: Rational, b: Rational) => rat(a.num * b.den - b.num * a.den, a.den * b.den);
export const mul = (a: Rational, b: Rational) => rat(a.num * b.num, a.den * b.den);
export const neg = (a: Rational): Rational => ({ num: -a.num, den: a.den });
/** Throws RangeError when b is zero. */
export const div = (a: Rational, b: Rational) => rat(a.num * b.den, a.den * b.num);

export const isZero = (a: Rational) => a.num === 0n;
export const isInteger = (a: Rational) => a.den === 1n;
export const eq = (a: Rational, b: Rational) => a.num === b.num && a.den === b.den;
/** -1, 0 or 1. */
export function cmp(a: Rational, b: Rational): number {
  const d = a.num * b.den - b.num * a.den;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/**
 * a^k for an integer exponent. Exponents are capped (|k| <= maxExp) so that a hostile "9^9^9" in a
 * model answer cannot allocate gigabytes; over the cap it throws RangeError.
 */
export function pow(a: Rational, k: Rational, maxExp = 64): Rational {
  if (!isInteger(k)) throw new RangeError('non-integer exponent');
  const e = k.num < 0n ? -k.num : k.num;
  if (e > BigInt(maxExp)) throw new RangeError('exponent too large');
  const p = rat(a.num ** e, a.den ** e);
  return k.num < 0n ? div(ONE, p) : p;
}

/** "7", "-3/4": the canonical text of gold answers. */
export function toString(a: Rational): string {
  return a.den === 1n ? a.num.toString() : `${a.num}/${a.den}`;
}

export function toNumber(a: Rational): number {
  return Number(a.num) / Number(a.den);
}

/**
 * Parses an unsigned decimal literal ("12", "0.25", ".5", "3.") exactly, or returns null.
 * Very long literals are refused (null) to keep bigint work bounded.
 */
export function parseDecimal(text: string, maxDigits = 200): Rational | null {
  const m = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return null;
  const whole = m[1];
  const frac = m[2] ?? '';
  if (whole.length + frac.length > maxDigits) return null;
  return rat(BigInt((whole || '0') + frac), 10n ** BigInt(frac.length));
}
