import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answersEquivalent } from '../../../../envs/puzzles/math/equivalence.js';
import { extractLastBoxed, normaliseAnswer } from '../../../../envs/puzzles/math/latex.js';
import { isPlainNumber } from '../../../../envs/puzzles/math/number-answer.js';

describe('LaTeX answers', () => {
  it('extracts the last balanced \\boxed{}', () => {
    expect(extractLastBoxed('\\boxed{1} then \\boxed{\\frac{2}{3}}')).toBe('\\frac{2}{3}');
    expect(extractLastBoxed('\\boxed{{a}{b}} and an unclosed \\boxed{')).toBe('{a}{b}');
    expect(extractLastBoxed('\\boxed {7}')).toBe('7');
    expect(extractLastBoxed('\\fbox{5}')).toBe('5');
    expect(extractLastBoxed('no box')).toBeNull();
  });

  it('normalises the basics', () => {
    expect(normaliseAnswer('$\\frac{1}{2}$')).toBe('(1)/(2)');
    expect(normaliseAnswer('\\dfrac{3}{4}.')).toBe('(3)/(4)');
    expect(normaliseAnswer('\\tfrac12')).toBe('(1)/(2)');
    expect(normaliseAnswer('\\left( 1, 2 \\right)')).toBe('(1,2)');
    expect(normaliseAnswer('\\text{ Paris }')).toBe('Paris');
    expect(normaliseAnswer('1,000,000')).toBe('1000000');
    expect(normaliseAnswer('3 \\cdot 4')).toBe('3*4');
    expect(normaliseAnswer('\\( 5 \\)')).toBe('5');
  });

  it.each([
    ['$\\frac{1}{2}$', '1/2'],
    ['0.5', '\\dfrac{1}{2}'],
    ['-\\frac{3}{4}', '\\frac{-3}{4}'],
    ['\u22123/4', '-0.75'],
    ['x = 5', '5'],
    ['5', 'x=5'],
    ['(B)', 'B'],
    ['b.', '\\text{B}'],
    ['\\left(3, -2\\right)', 'x=3, y=-2'],
    ['y = -2, x = 3', 'x=3, y=-2'],
    ['50\\%', '50'],
    ['30^\\circ', '30'],
    ['2 + 3', '5'],
    ['\\frac{\\frac{1}{2}}{3}', '1/6'],
    ['Paris', 'paris'],
  ])('%s equals %s', (answer, gold) => {
    expect(answersEquivalent(answer, gold)).toBe(true);
  });

  it.each([
    ['3', '4'],
    ['', '0'],
    ['   ', ''],
    ['1/2', '2'],
    ['x=3, y=2', 'x=3, y=-2'],
    ['x=3, x=-2', 'x=3, y=-2'],
    ['(3, -2)', '(-2, 3)'],
    ['A', 'B'],
    ['1/0', '1/0'.replace('0', '1')],
  ])('%s differs from %s', (answer, gold) => {
    expect(answersEquivalent(answer, gold)).toBe(false);
  });

  it('tells plain numbers from expressions', () => {
    for (const t of ['5', '-5', '3/4', '-3/4', '\\frac{-3}{4}', '-\\frac{3}{4}', '0.25']) expect(isPlainNumber(t), t).toBe(true);
    for (const t of ['2 + 3', '3*4', 'x', '', '(1/2)/3']) expect(isPlainNumber(t), t).toBe(false);
  });

  const latexish = fc
    .array(fc.constantFrom('\\frac', '\\dfrac', '{', '}', '1', '2', '$', ' ', '.', '\\left', '\\right', '(', ')', '\\text', 'x', '=', ',', '\\boxed', '\\', '%', '\\cdot', '^', '\\circ', '~'))
    .map((t) => t.join(''));

  it('normalising twice changes nothing (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), latexish), (s) => {
        const once = normaliseAnswer(s);
        expect(normaliseAnswer(once)).toBe(once);
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on arbitrary text (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), latexish), fc.oneof(fc.string(), latexish), (a, g) => {
        answersEquivalent(a, g);
        extractLastBoxed(a);
        isPlainNumber(a);
      }),
      { numRuns: 2000 },
    );
  });

  it('a fraction equals its reduced value (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -500, max: 500 }), fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 9 }), (a, b, k) => {
        expect(answersEquivalent(`\\frac{${a * k}}{${b * k}}`, `${a}/${b}`)).toBe(true);
        expect(answersEquivalent(`\\frac{${a * k}}{${b * k}}`, `${a + b}/${b}`)).toBe(false);
      }),
    );
  });
});
