// Countdown's default trace, the backward search: its answers are the verifier's, every check line
// reaches the target, the last line is the answer, it fits the evaluation's answer budget, and it
// finds a solution exactly when brute force over every expression does.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCountdown, evaluateExpression, makePuzzle, parseExpression, rationalMath } from '../../../envs/puzzles/index.js';
import { DEFAULT_EVAL, DEFAULT_EVAL_OPTIONS, EVAL_SEED } from '../../../training/eval/evaluate.js';
import { itemTaskNamed } from '../../../training/tasks/index.js';
import { COUNTDOWN_D1_OPS, countdownSearch, workedSteps, type CountdownOp } from '../../../training/tasks/puzzles.js';

const items = (name: string) => itemTaskNamed(name, 'this test');
const blocks = (trace: string) => {
  const m = /^<think>([\s\S]*)<\/think><answer>([\s\S]*)<\/answer>$/.exec(trace);
  if (!m) throw new Error(`not a trace: ${trace}`);
  return { think: m[1], answer: m[2] };
};
const valueOf = (text: string) => {
  const parsed = parseExpression(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.error}`);
  const v = evaluateExpression(parsed.expr);
  return v === null ? null : rationalMath.toString(v);
};

/** Whether any expression over a sub-multiset of `numbers` (rational steps, any sign) equals `target`. */
function bruteForce(numbers: readonly number[], target: number, ops: readonly CountdownOp[]): boolean {
  type Q = [number, number]; // numerator, positive denominator
  const norm = ([n, d]: Q): Q => {
    const g = (a: number, b: number): number => (b === 0 ? Math.abs(a) : g(b, a % b));
    const k = g(n, d) || 1;
    return [n / k, d / k];
  };
  const apply = (a: Q, b: Q, op: CountdownOp): Q | null => {
    if (op === '+') return norm([a[0] * b[1] + b[0] * a[1], a[1] * b[1]]);
    if (op === '-') return norm([a[0] * b[1] - b[0] * a[1], a[1] * b[1]]);
    if (op === '*') return norm([a[0] * b[0], a[1] * b[1]]);
    if (b[0] === 0) return null;
    const q: Q = [a[0] * b[1], a[1] * b[0]];
    return norm(q[1] < 0 ? [-q[0], -q[1]] : q);
  };
  const search = (vals: Q[]): boolean => {
    if (vals.some(([n, d]) => d === 1 && n === target)) return true;
    for (let i = 0; i < vals.length; i++)
      for (let j = 0; j < vals.length; j++) {
        if (i === j) continue;
        const rest = vals.filter((_, k) => k !== i && k !== j);
        for (const op of ops) {
          const c = apply(vals[i], vals[j], op);
          if (c && search([...rest, c])) return true;
        }
      }
    return false;
  };
  return search(numbers.map((n): Q => [n, 1]));
}

describe('countdown backward search', () => {
  it('countdown-d1: 500 traces are accepted by the verifier, every check reaches the target, the last line is the answer', () => {
    const t = items('countdown-d1');
    for (let i = 0; i < 500; i++) {
      const it_ = t.item(7, i);
      const p = makePuzzle('countdown', 1, 7, i);
      const target = String(p.meta.target);
      expect(it_.reward(it_.trace)).toMatchObject({ format: 0.5, task: 1, success: true });
      const { think, answer } = blocks(it_.trace);
      const lines = think.split('\n');
      expect(lines[lines.length - 1]).toBe(answer);
      expect(checkCountdown(answer, p.meta.numbers as number[], Number(target))).toBe(true);
      // A check names the value it needs, so each line, needed value in, is worth the target.
      for (const line of lines) expect(valueOf(line)).toBe(target);
      // Stops at the first solution: no earlier line is one.
      for (const line of lines.slice(0, -1)) expect(checkCountdown(line, p.meta.numbers as number[], Number(target))).toBe(false);
    }
  });

  it('fits the evaluation answer budget on 2000 training and 2000 evaluation items', () => {
    const evalTask = DEFAULT_EVAL.find((e) => e.task.startsWith('countdown-'));
    expect(evalTask?.task).toBe('countdown-d1');
    const budget = evalTask?.maxNewTokens ?? DEFAULT_EVAL_OPTIONS.maxNewTokens;
    const t = items('countdown-d1');
    for (const seed of [0, EVAL_SEED]) {
      // Byte-level tokens: a trace of ASCII characters is as many tokens as characters.
      const lengths = Array.from({ length: 2000 }, (_, i) => t.item(seed, i).trace.length);
      expect(Math.max(...lengths)).toBeLessThanOrEqual(budget);
    }
  });

  it('walks a known item: checks in order, one per line, up to the first solution', () => {
    expect(countdownSearch([3, 1, 6], 24)).toEqual({ lines: ['3+21', '3*8', '27-3', '1+23', '25-1', '6+18', '6*(3+1)'], expression: '6*(3+1)' });
    expect(countdownSearch([4, 9, 8], 36)?.lines).toEqual(['4+32', '4*9']);
    // A number given twice is tried once; a target among the numbers is its own answer.
    expect(countdownSearch([10, 10, 5], 95)?.lines).toEqual(['10+85', '105-10', '5+90', '5*19', '(10*10)-5']);
    expect(countdownSearch([2, 7, 3], 7)?.expression).toBe('7');
    // A number above the target less what the other two make (the only way to 1 here).
    expect(countdownSearch([11, 5, 2], 1)?.lines).toEqual(['12-11', '11-(5*2)']);
    expect(countdownSearch([1, 1, 1], 50)).toBeNull();
  });

  for (const ops of [COUNTDOWN_D1_OPS, ['+', '-', '*', '/'] as const]) {
    it(`finds a solution exactly when brute force does (${ops.join(' ')})`, () => {
      fc.assert(
        fc.property(fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 })), fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 150 })), (numbers, target) => {
          const found = countdownSearch(numbers, target, ops);
          expect(found !== null).toBe(bruteForce(numbers, target, ops));
          if (found) {
            expect(checkCountdown(found.expression, numbers, target)).toBe(true);
            expect(found.lines[found.lines.length - 1]).toBe(found.expression);
            for (const line of found.lines) expect(valueOf(line)).toBe(String(target));
            for (const op of ['+', '-', '*', '/'] as const) if (!ops.includes(op)) expect(found.expression).not.toContain(op);
          }
        }),
        { numRuns: 1000, seed: 20261207 },
      );
    });
  }

  it('countdown-worked-d1 keeps the worked trace on the same items', () => {
    const search = items('countdown-d1');
    const worked = items('countdown-worked-d1');
    expect(worked.name).toBe('countdown-worked-d1');
    for (let i = 0; i < 20; i++) {
      const a = search.item(3, i);
      const b = worked.item(3, i);
      const p = makePuzzle('countdown', 1, 3, i);
      expect(b.key).toBe(a.key);
      expect(b.prompt).toEqual(a.prompt);
      expect(b.trace).toBe(`<think>${workedSteps(p.answer).join(', ')}</think><answer>${p.answer}</answer>`);
      expect(b.reward(b.trace).success).toBe(true);
    }
    // Four numbers (d2) keep the worked trace under the default name too.
    const d2 = items('countdown-d2').item(3, 0);
    const p2 = makePuzzle('countdown', 2, 3, 0);
    expect(d2.trace).toBe(`<think>${workedSteps(p2.answer).join(', ')}</think><answer>${p2.answer}</answer>`);
  });
});
