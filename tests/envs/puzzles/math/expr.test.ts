import fc from 'fast-check';
import { expectLinearGrowth } from '../../../support/growth.js';
import { describe, expect, it } from 'vitest';
import { evaluate, evaluateText, parseExpression, printExpression, type Expr } from '../../../../envs/puzzles/math/expr.js';
import { rat, toString } from '../../../../envs/puzzles/math/rational.js';

const value = (text: string) => {
  const v = evaluateText(text);
  return v === null ? null : toString(v);
};

describe('expression parser', () => {
  it('evaluates exactly, with the usual precedence', () => {
    expect(value('1 + 2 * 3')).toBe('7');
    expect(value('(1 + 2) * 3')).toBe('9');
    expect(value('1/3 + 1/6')).toBe('1/2');
    expect(value('10 - 4 - 3')).toBe('3');
    expect(value('2^3^2')).toBe('512');
    expect(value('-2^2')).toBe('-4');
    expect(value('2^-2')).toBe('1/4');
    expect(value('0.1 + 0.2')).toBe('3/10');
    expect(value('2(3 + 4)')).toBe('14');
    expect(value('[1 + 1] * {2}')).toBe('4');
    expect(value('6 \u00f7 4 \u00d7 2 \u2212 1')).toBe('2');
    expect(value('2 ** 5')).toBe('32');
  });

  it('gives null for undefined values instead of throwing', () => {
    expect(value('1 / 0')).toBeNull();
    expect(value('1 / (2 - 2)')).toBeNull();
    expect(value('2 ^ (1/2)')).toBeNull();
    expect(value('9 ^ 9 ^ 9')).toBeNull(); // exponent cap: no gigabyte bigints
  });

  it('bounds nested powers and products, not only each exponent', () => {
    // Each exponent is under the cap, yet unbounded this ran 9 s at four levels and for ever at six.
    expect(value(`${'('.repeat(6)}9${')^64'.repeat(6)}`)).toBeNull();
    expect(value(Array(400).fill('(9^64)').join('*'))).toBeNull();
    // Fractions whose reduced terms keep growing: every step is a gcd of ever larger numbers.
    const primes: number[] = [];
    for (let n = 2; primes.length < 1200; n++) if (primes.every((p) => n % p !== 0)) primes.push(n);
    const product = (k: number) => primes.slice(0, k).map((p, i) => `${p}/${primes[(i * 7) % k]}`).join('*');
    const sum = (k: number) => primes.slice(0, k).map((p) => `1/${p}`).join('+');
    expect(value(product(1200).slice(0, 9_990).replace(/\D+\d*$/, ''))).toBeNull();
    expect(value(sum(1200).slice(0, 9_990).replace(/\D+\d*$/, ''))).toBeNull();
    // The cap keeps every step's cost bounded, so nested and repeated powers grow with the length
    // of the text. (Growing fractions only reach the cap after ~160 terms, so below it their cost
    // is quadratic by nature; the cap itself is what bounds them, checked just below.)
    expectLinearGrowth((n) => value(`${'('.repeat(n)}9${')^64'.repeat(n)}`), 1, 'nested powers');
    expectLinearGrowth((n) => value(Array(n).fill('(9^64)').join('*')), 20, 'products of powers');
    expect(value('(2^32)^32 * (2^32)^30')).toBe((2n ** 1984n).toString());
    expect(value('(2^32)^32 * (2^32)^32 * 2')).toBeNull(); // over 2048 bits
    expect(value('(2^32)^32')).toBe((2n ** 1024n).toString());
  });

  it('reports malformed input as an error value', () => {
    for (const bad of ['', '1 +', '(1 + 2', '1 2', 'x + 1', '1..2', '* 3', 'eval("1")', '1)']) {
      const r = parseExpression(bad);
      expect(r.ok, bad).toBe(false);
    }
    expect(parseExpression('('.repeat(500) + '1' + ')'.repeat(500)).ok).toBe(false); // depth cap
    expect(parseExpression('1+'.repeat(6000) + '1').ok).toBe(false); // length cap
  });

  const num = fc.integer({ min: 0, max: 999 }).map((n): Expr => ({ type: 'num', value: rat(n), text: String(n) }));
  const expr = fc.letrec<{ e: Expr }>((tie) => ({
    e: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      num,
      tie('e').map((arg): Expr => ({ type: 'neg', arg })),
      fc
        .record({ op: fc.constantFrom('+', '-', '*', '/', '^' as const), left: tie('e'), right: tie('e') })
        .map((b): Expr => ({ type: 'bin', ...b })),
    ),
  })).e;

  it('round-trips: print then parse gives the same tree (property)', () => {
    fc.assert(
      fc.property(expr, (e) => {
        const r = parseExpression(printExpression(e));
        expect(r.ok && r.expr).toEqual(e);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary text (property)', () => {
    const tokens = fc.constantFrom('1', '23', '.', '+', '-', '*', '/', '^', '(', ')', ' ', '**', '\u00d7', 'x');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(tokens).map((t) => t.join(''))), (s) => {
        const r = parseExpression(s);
        if (r.ok) evaluate(r.expr);
      }),
      { numRuns: 2000 },
    );
  });
});
