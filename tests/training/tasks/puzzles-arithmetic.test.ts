// Arithmetic's default trace, the reversed-digit scratchpad: its answers are the verifier's, every
// line is right arithmetic, the last line's result is the answer, it fits the evaluation's answer
// budget, and the worked-steps trace stays under arithmetic-worked-d<n>.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateExpressionText, makePuzzle, rationalMath } from '../../../envs/puzzles/index.js';
import { DEFAULT_EVAL, DEFAULT_EVAL_OPTIONS, EVAL_SEED } from '../../../training/eval/evaluate.js';
import { itemTaskNamed } from '../../../training/tasks/index.js';
import { arithmeticScratchpad, reversedDigits, workedSteps } from '../../../training/tasks/puzzles.js';

const items = (name: string) => itemTaskNamed(name, 'this test');
const blocks = (trace: string) => {
  const m = /^<think>([\s\S]*)<\/think><answer>([\s\S]*)<\/answer>$/.exec(trace);
  if (!m) throw new Error(`not a trace: ${trace}`);
  return { think: m[1], answer: m[2] };
};
/** A reversed number read back: `-794` is -497. */
const unreversed = (s: string): bigint => {
  expect(s).toMatch(/^-?\d+$/);
  const v = BigInt(s.replace('-', '').split('').reverse().join(''));
  return s.startsWith('-') ? -v : v;
};

/** Checks one scratchpad line's arithmetic, partial products included, and returns its result. */
function checkLine(line: string): bigint {
  const m = /^(-?\d+)([+*-])(-?\d+)=(?:((?:\d+\+)+\d+)=)?(-?\d+)$/.exec(line);
  if (!m) throw new Error(`not a scratchpad line: ${line}`);
  const [a, b, r] = [unreversed(m[1]), unreversed(m[3]), unreversed(m[5])];
  expect(r).toBe(m[2] === '+' ? a + b : m[2] === '-' ? a - b : a * b);
  if (m[4]) {
    expect(m[2]).toBe('*');
    const partials = m[4].split('+').map(unreversed);
    const abs = (n: bigint) => (n < 0n ? -n : n);
    expect(partials.reduce((x, y) => x + y, 0n)).toBe(abs(r));
    // One partial a digit of the shorter factor (the right one on a tie), ones first.
    const [times, by] = abs(a).toString().length < abs(b).toString().length ? [abs(b), abs(a)] : [abs(a), abs(b)];
    expect(partials).toEqual(by.toString().split('').reverse().map((d, i) => times * BigInt(d) * 10n ** BigInt(i)));
  }
  return r;
}

describe('arithmetic scratchpad', () => {
  it('arithmetic-d2: 500 traces are accepted by the verifier, each line is right, the last result is the answer', () => {
    const t = items('arithmetic-d2');
    for (let i = 0; i < 500; i++) {
      const it_ = t.item(7, i);
      const p = makePuzzle('arithmetic', 2, 7, i);
      expect(it_.reward(it_.trace)).toMatchObject({ format: 0.5, task: 1, success: true });
      const { think, answer } = blocks(it_.trace);
      expect(answer).toBe(p.answer);
      const lines = think.split('\n');
      // Three terms: two operations, innermost first.
      expect(lines).toHaveLength(2);
      const results = lines.map(checkLine);
      expect(String(results[results.length - 1])).toBe(answer);
    }
  });

  it('fits the evaluation answer budget on 2000 training and 2000 evaluation items', () => {
    const evalTask = DEFAULT_EVAL.find((e) => e.task.startsWith('arithmetic-'));
    expect(evalTask?.task).toBe('arithmetic-d2');
    const budget = evalTask?.maxNewTokens ?? DEFAULT_EVAL_OPTIONS.maxNewTokens;
    const t = items('arithmetic-d2');
    for (const seed of [0, EVAL_SEED]) {
      // Byte-level tokens: a trace of ASCII characters is as many tokens as characters.
      const lengths = Array.from({ length: 2000 }, (_, i) => t.item(seed, i).trace.length);
      expect(Math.max(...lengths)).toBeLessThanOrEqual(budget);
    }
  });

  it('writes known expressions', () => {
    expect(reversedDigits(-497n)).toBe('-794');
    expect(reversedDigits(0n)).toBe('0');
    expect(arithmeticScratchpad('23 - 20 * 26')).toEqual(['02*62=021+004=025', '32-025=-794']);
    expect(arithmeticScratchpad('5 * (24 * 22)')).toEqual(['42*22=84+084=825', '5*825=0462']);
    expect(arithmeticScratchpad('(2 - 4) * 27')).toEqual(['2-4=-2', '-2*72=-45']);
    // Division and fractions are not written: those items keep the worked steps.
    expect(arithmeticScratchpad('6 / 4 + 1')).toBeNull();
    expect(arithmeticScratchpad('2 ^ 3')).toBeNull();
  });

  it('is right on random whole-number expressions over + - *', () => {
    const leaf = fc.integer({ min: -999, max: 999 }).map((n) => (n < 0 ? `(${n})` : String(n)));
    const expr = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.tuple(tie('e'), fc.constantFrom('+', '-', '*'), tie('e')).map(([a, op, b]) => `(${a} ${op} ${b})`)),
    })).e;
    fc.assert(
      fc.property(expr, (text) => {
        const lines = arithmeticScratchpad(text);
        expect(lines).not.toBeNull();
        const value = evaluateExpressionText(text);
        if (value === null) throw new Error(text);
        const results = (lines ?? []).map(checkLine);
        expect(results.length === 0 ? value.num : results[results.length - 1]).toBe(value.num);
        expect(rationalMath.toString(value)).toBe(String(value.num));
      }),
      { numRuns: 300, seed: 20261207 },
    );
  });

  it('arithmetic-worked-d2 keeps the worked trace on the same items', () => {
    const pad = items('arithmetic-d2');
    const worked = items('arithmetic-worked-d2');
    for (let i = 0; i < 20; i++) {
      const a = pad.item(3, i);
      const b = worked.item(3, i);
      const p = makePuzzle('arithmetic', 2, 3, i);
      expect(b.key).toBe(a.key);
      expect(b.prompt).toEqual(a.prompt);
      expect(b.trace).toBe(`<think>${workedSteps(String(p.meta.expression)).join(', ')}</think><answer>${p.answer}</answer>`);
      expect(b.reward(b.trace).success).toBe(true);
    }
  });
});
