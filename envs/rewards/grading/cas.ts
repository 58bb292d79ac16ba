/**
 * Symbolic equivalence through a computer-algebra library: @cortex-js/compute-engine reads the
 * LaTeX and evaluates it (exact constants, roots, factorials, logs, trig), and two expressions are
 * equal when their values agree at the same sample points of their free variables. Chosen over
 * mathjs by measurement (scripts/measure-cas.ts; BENCHMARKS.md, "Answer grading"): behind the same
 * grader it got 301 of 301 corpus verdicts right, mathjs 296 (mathjs reads no LaTeX, and each miss,
 * `\log_2 8`, `\ln e`, `\arctan 1`, `x_1`, would be more translation code of our own), at about
 * 340 µs a call against 27 µs. Only formulas the exact path cannot decide reach it, cached, so
 * typical answers never pay that.
 *
 * The library is not safe on hostile input: `9^{9^{9}}` ran it out of a 4 GB heap, and every new
 * identifier it meets is declared in the engine for good. So nothing reaches it that `casGuard`
 * refuses: short text, known commands only, single-letter variables, no exponent towers, small
 * factorials. Results are cached (a batch grades 16 samples against each gold).
 */
import { ComputeEngine } from '@cortex-js/compute-engine';

/** Longest text handed to the library (answers that need it are short formulas). */
export const MAX_CAS_CHARS = 160;
const MAX_DEPTH = 10;
const MAX_POWERS = 4;
const MAX_DIGITS = 30;

/** Commands the library may see. Anything else (\sum, \int, \binom, \prod...) is refused. */
const ALLOWED_COMMANDS = new Set([
  'frac', 'dfrac', 'tfrac', 'sqrt', 'pi', 'cdot', 'times', 'div', 'ln', 'log', 'exp', 'sin', 'cos', 'tan', 'sec', 'csc', 'cot',
  'arcsin', 'arccos', 'arctan', 'infty', 'alpha', 'beta', 'gamma', 'theta', 'phi', 'lambda', 'mu', 'sigma', 'omega', 'tau',
]);

/** Why the text may not go to the library, or null when it may. Linear in the text. */
export function casGuard(latex: string): string | null {
  if (latex.length > MAX_CAS_CHARS) return `longer than ${MAX_CAS_CHARS} characters`;
  let depth = 0;
  let powers = 0;
  let digits = 0;
  // Depth at which the current exponent group started (-1: not in one); towers are refused.
  let exponentDepth = -1;
  // Periodic functions of huge arguments are slow in the library (\sin(10^{99}): 0.2 s, its
  // bignum range reduction), so with one present numbers stay small.
  const periodic = /\\(?:sin|cos|tan|sec|csc|cot)(?![a-zA-Z])/.test(latex);
  for (let i = 0; i < latex.length; i++) {
    const c = latex[i];
    if (c === '\\' && latex.startsWith('\\mathrm{', i)) {
      // Only a subscripted variable, "\mathrm{x_1}" (grade.ts writes x_1 so: the library reads a
      // bare x_1 + 1 as x indexed by 1 + 1). One letter and one character: a few thousand names.
      if (!/^\\mathrm\{[a-zA-Z]_[a-zA-Z0-9]\}/.test(latex.slice(i, i + 13))) return '\\mathrm other than a subscripted variable';
      i += 11;
    } else if (c === '\\') {
      const name = /^[a-zA-Z]+/.exec(latex.slice(i + 1, i + 12))?.[0] ?? '';
      if (!ALLOWED_COMMANDS.has(name)) return `command \\${name || latex[i + 1]} not allowed`;
      i += name.length;
    } else if (/[a-zA-Z]/.test(c)) {
      if (/[a-zA-Z]/.test(latex[i + 1] ?? '')) return 'a word, not a formula';
    } else if (c >= '0' && c <= '9') {
      let j = i;
      while (j < latex.length && latex[j] >= '0' && latex[j] <= '9') j++;
      const run = j - i;
      digits += run;
      if (digits > MAX_DIGITS) return 'too many digits';
      // Two digits: \sin(10^{999}) took the library 0.2 s and \sqrt{x}^{999} 0.4 s; 10^{99} is 5 ms.
      if (exponentDepth >= 0 && run > (periodic ? 1 : 2)) return 'exponent too large';
      if (periodic && (run > 6 || latex[j] === '!')) return 'number too large under a periodic function';
      if (latex[j] === '!' && (run > 2 || latex[j + 1] === '!')) return 'factorial too large';
      i = j - 1;
    } else if (c === '{' || c === '(' || c === '[') {
      if (++depth > MAX_DEPTH) return 'nested too deeply';
    } else if (c === '}' || c === ')' || c === ']') {
      depth--;
      if (depth === exponentDepth) exponentDepth = -1;
    } else if (c === '^') {
      if (++powers > MAX_POWERS) return 'too many powers';
      if (exponentDepth >= 0) return 'exponent tower';
      if (latex[i + 1] === '{') exponentDepth = depth;
      else if (latex[i + 2] === '^') return 'exponent tower';
    } else if (c === '!') {
      if (!/[0-9]/.test(latex[i - 1] ?? '')) return 'factorial of an expression';
    } else if (!/[\s+\-*/.,|=_']/.test(c)) {
      return `character ${JSON.stringify(c)} not allowed`;
    }
  }
  return null;
}

/** A value as real and imaginary parts. */
export type Complex = readonly [re: number, im: number];

/** Values at the sample points, or null when the text is not a formula the library can value. */
export type Fingerprint = readonly Complex[] | null;

/** Sample values of a variable: distinct per name, away from 0, 1 and the poles of common forms. */
function sampleValue(name: string, point: number): number {
  let h = 0;
  for (let k = 0; k < name.length; k++) h = (h * 31 + name.charCodeAt(k)) % 997;
  return 0.3183 + 0.5772 * (point + 1) + (h % 37) * 0.0173;
}

const POINTS = 3;

let engine: ComputeEngine | null = null;
/** Created on first use (about 70 ms), not when the rewards module is imported. */
function ce(): ComputeEngine {
  engine ??= new ComputeEngine();
  return engine;
}

const cache = new Map<string, Fingerprint>();
const CACHE_CAPACITY = 20_000;

/** What the grader needs of a library: the values of guarded LaTeX at the sample points. */
export interface CasBackend {
  name: string;
  /** May throw on input the library cannot read; that counts as "no value". */
  values(latex: string, sample: (variable: string, point: number) => number, points: number): Fingerprint;
}

export const computeEngineBackend: CasBackend = { name: '@cortex-js/compute-engine', values: (latex) => compute(latex) };

let backend: CasBackend = computeEngineBackend;

/**
 * Swaps the library (scripts/measure-cas.ts compares candidates on the corpus with it); the
 * cache is emptied, since its values came from the other one.
 */
export function useCasBackend(next: CasBackend): void {
  backend = next;
  cache.clear();
}

export { sampleValue, POINTS as SAMPLE_POINTS };

function compute(latex: string): Fingerprint {
  const expr = ce().parse(latex);
  if (!expr.isValid) return null;
  const vars = expr.unknowns;
  const points = vars.length === 0 ? 1 : POINTS;
  const out: Complex[] = [];
  for (let p = 0; p < points; p++) {
    const at = vars.length === 0 ? expr : expr.subs(Object.fromEntries(vars.map((v) => [v, sampleValue(v, p)])));
    const n = at.N();
    const re = n.re;
    const im = n.im;
    if (typeof re !== 'number' || typeof im !== 'number' || Number.isNaN(re) || Number.isNaN(im)) return null;
    out.push([re, im]);
  }
  return out;
}

/**
 * The values of a formula at the sample points, or null when it is refused by the guard, does not
 * parse, or has no numeric value (an unknown function, a division by zero).
 */
export function fingerprint(latex: string): Fingerprint {
  const hit = cache.get(latex);
  if (hit !== undefined) return hit;
  let fp: Fingerprint = null;
  if (casGuard(latex) === null) {
    try {
      fp = backend.values(latex, sampleValue, POINTS);
    } catch {
      // The library throws on some malformed input instead of returning an error expression;
      // for grading that is the same as "no value".
      fp = null;
    }
  }
  if (cache.size >= CACHE_CAPACITY) cache.delete(cache.keys().next().value as string);
  cache.set(latex, fp);
  return fp;
}

/** Relative tolerance for values the library computes in floating point (roots, pi, logs). */
const RELATIVE = 1e-9;
const ABSOLUTE = 1e-12;

function close(a: number, b: number): boolean {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= ABSOLUTE + RELATIVE * Math.max(Math.abs(a), Math.abs(b));
}

/** Whether two fingerprints agree at every point (real and imaginary parts). */
export function sameValues(a: Fingerprint, b: Fingerprint): boolean {
  if (a === null || b === null || a.length !== b.length) {
    // A constant equals a formula only if the formula has no variables: lengths differ otherwise.
    return false;
  }
  return a.every(([re, im], k) => close(re, b[k][0]) && close(im, b[k][1]));
}
