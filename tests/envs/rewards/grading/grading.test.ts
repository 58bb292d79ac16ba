/**
 * The grader (envs/rewards/grading): the corpus of answer/gold pairs by class, LMM-R1 labels
 * round-tripping, the LMM-R1 answer search, the library's guard on hostile formulas, and
 * properties of the parsers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromLmmR1Jsonl, makeDataset, PUZZLE_FAMILIES, toLmmR1Jsonl } from '../../../../envs/puzzles/index.js';
import { accuracyReward, answersMatch, goldProblem, gradedAnswer, mathReward, rewardForLabel, RewardLabelError } from '../../../../envs/rewards/index.js';
import { casGuard, fingerprint } from '../../../../envs/rewards/grading/cas.js';
import { readShape } from '../../../../envs/rewards/grading/structure.js';
import { answerCore, lastMathSegment, splitUnit } from '../../../../envs/rewards/grading/text.js';
import { expectLinearGrowth } from '../../../support/growth.js';
import { CORPUS_ROWS } from '../../../../envs/rewards/grading/corpus.js';

const resp = (answer: string) => `<think>working</think><answer>${answer}</answer>`;

describe('the grading corpus', () => {
  it(`gives the careful grader's verdict on all ${CORPUS_ROWS.length} pairs`, () => {
    const wrong = CORPUS_ROWS.filter((r) => answersMatch(r.answer, r.gold) !== r.equal).map(
      (r) => `${r.cls}: ${JSON.stringify(r.answer)} vs ${JSON.stringify(r.gold)} should be ${r.equal ? 'equal' : 'different'}`,
    );
    expect(wrong).toEqual([]);
    expect(CORPUS_ROWS.length).toBeGreaterThanOrEqual(250);
    // Both verdicts in every class, so that no class passes by answering one way.
    const classes = new Set(CORPUS_ROWS.map((r) => r.cls));
    for (const cls of classes) {
      const rows = CORPUS_ROWS.filter((r) => r.cls === cls);
      expect(rows.some((r) => r.equal) && rows.some((r) => !r.equal), cls).toBe(true);
    }
  });
});

describe('LMM-R1 labels', () => {
  it.each(PUZZLE_FAMILIES.map((f) => [f]))('%s: fromLmmR1Jsonl -> gold -> the correct answer earns 1', (family) => {
    const items = makeDataset(family, { size: 10, seed: 3 });
    const records = fromLmmR1Jsonl(toLmmR1Jsonl(items));
    records.forEach((record, i) => {
      for (const label of [record.answer, record.gold, `$\\boxed{${record.gold}}$`]) {
        expect(rewardForLabel(resp(items[i].answer), label)?.task, `${items[i].id} ${label}`).toBe(1);
        expect(rewardForLabel(resp(`\\boxed{${items[i].answer}}`), label)?.task).toBe(1);
      }
    });
  });

  it('LMM-R1 JSONL lines with boxed answers: fromLmmR1Jsonl -> gold -> correct answers earn 1, wrong ones 0', () => {
    const cases: [label: string, right: string, wrong: string][] = [
      ['$\\boxed{60}$', '60', '61'],
      ['$\\boxed{\\frac{1}{2}}$', '0.5', '\\frac{1}{3}'],
      ['$\\boxed{3\\sqrt{2}}$', '\\sqrt{18}', '\\sqrt{17}'],
      ['$\\boxed{(1, 2)}$', '\\left(1, 2\\right)', '(2, 1)'],
      ['$\\boxed{[1, 3)}$', '[1,3)', '[1, 3]'],
      ['$\\boxed{\\text{B}}$', '(B)', 'C'],
      ['$\\boxed{x = 5}$', '5', '6'],
      ['$\\boxed{\\{1, 2\\}}$', '\\{2, 1\\}', '\\{1\\}'],
      ['$\\boxed{12\\text{ cm}}$', '12', '13 cm'],
    ];
    const message = JSON.stringify([{ role: 'user', content: [{ type: 'text', text: 'Q?' }] }]);
    const records = fromLmmR1Jsonl(cases.map(([answer]) => JSON.stringify({ message, answer })).join('\n'));
    records.forEach((record, i) => {
      const [, right, wrong] = cases[i];
      expect(rewardForLabel(resp(right), record.gold)?.task, `${record.answer} / ${right}`).toBe(1);
      expect(rewardForLabel(resp(right), record.answer)?.task).toBe(1);
      expect(rewardForLabel(resp(wrong), record.gold)?.task, `${record.answer} / ${wrong}`).toBe(0);
    });
  });

  it("LMM-R1's own label form: $\\boxed{60}$", () => {
    for (const answer of ['60', '\\boxed{60}', 'The answer is $60$.', '60 \\text{ degrees}']) {
      expect(mathReward(resp(answer), '$\\boxed{60}$').total, answer).toBe(1.5);
    }
    expect(mathReward(resp('61'), '$\\boxed{60}$').total).toBe(0.5);
  });

  it('an unusable gold is an error naming the problem, never a free 1', () => {
    for (const gold of ['', '  ', '$$', '$\\boxed{}$', '\\frac{1}{2']) {
      expect(goldProblem(gold), gold).not.toBeNull();
      expect(accuracyReward(resp(gold), gold).total).toBe(0);
      expect(() => rewardForLabel(resp('1'), gold)).toThrow(RewardLabelError);
    }
    expect(goldProblem('$\\boxed{60}$')).toBeNull();
    expect(() => rewardForLabel(resp('1'), '{"a": 1}')).toThrow(/must name a game level/);
  });
});

describe('answer search', () => {
  const response = '<think>maybe \\boxed{3}</think><answer>$x = 4$</answer> and then \\boxed{5}';
  it('ours: the <answer> block; a box in <think> or after the block does not override it', () => {
    expect(gradedAnswer('<think>first \\boxed{3}</think><answer>4</answer>')).toBe('4');
    expect(accuracyReward('<think>first \\boxed{3}</think><answer>4</answer>', '4').total).toBe(1);
    expect(accuracyReward('<think>first \\boxed{3}</think><answer>4</answer>', '3').total).toBe(0);
    expect(accuracyReward(response, '4').total).toBe(1);
  });

  it("LMM-R1's: the rightmost \\boxed{} anywhere, else the last $...$; nothing without delimiters", () => {
    expect(gradedAnswer(response, 'whole-response')).toBe('5');
    expect(mathReward(response, '5', { answerSearch: 'whole-response' }).task).toBe(1);
    expect(mathReward(response, '5').task).toBe(0);
    expect(gradedAnswer('<think>a</think><answer>so $x = 4$</answer>', 'whole-response')).toBe('x = 4');
    expect(gradedAnswer('<think>a</think><answer>42</answer>', 'whole-response')).toBeNull();
    expect(mathReward('<think>a</think><answer>42</answer>', '42', { answerSearch: 'whole-response' }).total).toBe(0.5);
  });
});

describe('the text steps', () => {
  it('find the last math segment, skipping escaped dollars and stopping at an unclosed one', () => {
    expect(lastMathSegment('a $1$ b \\(2\\) c $$3$$')).toBe('3');
    expect(lastMathSegment('costs \\$5 and $x=2$')).toBe('x=2');
    expect(lastMathSegment('$5')).toBeNull();
    expect(answerCore('The final answer is: 5.')).toBe('5');
    expect(answerCore('x'.repeat(3_000))).toBeNull();
  });

  it('split units, currency, percent and degrees', () => {
    expect(splitUnit('5\\,\\text{cm}')).toEqual({ value: '5', unit: 'cm' });
    expect(splitUnit('\\$5.00')).toEqual({ value: '5.00', unit: '$' });
    expect(splitUnit('12 \\text{ m}^2')).toEqual({ value: '12', unit: 'm^2' });
    expect(splitUnit('30^{\\circ}')).toEqual({ value: '30', unit: '°' });
    expect(splitUnit('2\\pi r')).toEqual({ value: '2\\pi r', unit: null });
    expect(splitUnit('2x')).toEqual({ value: '2x', unit: null });
  });

  it('read shapes: sets, brackets kept, unions, lists', () => {
    expect(readShape('\\{1, 2\\}')).toEqual({ kind: 'set', items: ['1', '2'] });
    expect(readShape('[1, 3)')).toEqual({ kind: 'bracketed', open: '[', close: ')', items: ['1', '3'] });
    expect(readShape('\\left( 1, 2 \\right)')).toEqual({ kind: 'bracketed', open: '(', close: ')', items: ['1', '2'] });
    expect(readShape('[1,2] \\cup (3, 4)').kind).toBe('union');
    expect(readShape('(1)+(2)')).toEqual({ kind: 'value', text: '(1)+(2)' });
    expect(readShape('x=1, y=2')).toEqual({ kind: 'list', items: ['x=1', 'y=2'] });
  });
});

describe('the computer-algebra library behind its guard', () => {
  it('refuses towers, big factorials, unknown commands, words and long input before the library sees them', () => {
    for (const t of ['9^{9^{9}}', '2^{2^{2}}', '2^3^4', '10^{10000}', '1000!', '(3!)!', '5!!', '\\sum_{i=1}^{n} i', '\\binom{5}{2}', 'Paris', 'x'.repeat(200), '{'.repeat(20)]) {
      expect(casGuard(t), t).not.toBeNull();
    }
    for (const t of ['2^{10}', 'e^{i\\pi}', '4!/2', '\\sqrt[3]{8}', '\\frac{\\pi}{2}', 'x^2+2x+1', '|-5|']) expect(casGuard(t), t).toBeNull();
  });

  it('grades hostile formulas as wrong, each within a bounded time', () => {
    for (const answer of ['9^{9^{9}}', '9^{9^{9^{9}}}', '2^{2^{2^{2^{2}}}}', '1000000!', '\\frac{1}{0}', '10^{999}', '\\sin(10^{999})', '\\sqrt{x}^{999}', '(99!)^{99}', '\\sin(10^{99})', `${'\\sqrt{'.repeat(500)}2${'}'.repeat(500)}`]) {
      const t0 = performance.now();
      expect(mathReward(resp(answer), '1').task, answer).toBe(0);
      expect(performance.now() - t0, answer).toBeLessThan(2_000);
    }
  });

  it('compares values at sample points: free variables must agree everywhere', () => {
    expect(fingerprint('x+1')).toHaveLength(3);
    expect(fingerprint('\\sqrt{2}')).toHaveLength(1);
    expect(fingerprint('\\frac{1}{0}')).toBeNull();
    expect(answersMatch('x^2', 'x \\cdot x')).toBe(true);
    expect(answersMatch('x^2', 'x')).toBe(false);
  });

  it('100 KB answers and the hostile shapes stay linear through the new grader', () => {
    expectLinearGrowth((n) => answersMatch(`${'\\sqrt{'.repeat(n / 7)}`, '1'), 1_600, 'open roots');
    expectLinearGrowth((n) => answersMatch(`${'$1$ '.repeat(n / 4)}`, '1'), 1_600, 'many segments');
    expectLinearGrowth((n) => mathReward(resp(`${'2^{'.repeat(n / 3)}`), '1'), 1_600, 'open powers');
  });
});

describe('grader properties', () => {
  const latexish = fc
    .array(fc.constantFrom('\\frac', '{', '}', '1', '2', '$', ' ', '.', '\\left', '(', ')', '[', ']', 'x', '=', ',', '\\boxed', '\\', '%', '^', '!', '\\sqrt', '\\{', '\\}', '\\cup', 'cm', '\\text{', 'e3', '\\pi'))
    .map((t) => t.join(''));

  it('never throws, on arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), latexish), fc.oneof(fc.string(), latexish), (a, g) => {
        expect(typeof answersMatch(a, g)).toBe('boolean');
        goldProblem(g);
      }),
      { numRuns: 1500 },
    );
  });

  it('a fraction equals its reduced value and no other; a decimal equals itself only exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: -300, max: 300 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 9 }), (a, b, k) => {
        expect(answersMatch(`\\frac{${a * k}}{${b * k}}`, `$\\boxed{${a}/${b}}$`)).toBe(true);
        expect(answersMatch(`\\frac{${a * k}}{${b * k}}`, `${a + b}/${b}`)).toBe(false);
        expect(answersMatch(`${a}.${b}1`, `${a}.${b}`)).toBe(false);
      }),
    );
  });

  it('a set equals any reordering of itself, with or without repeats; a tuple only itself', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: -50, max: 50 }), { minLength: 2, maxLength: 6 }), (xs) => {
        const shuffled = [...xs].reverse();
        expect(answersMatch(`\\{${shuffled.join(', ')}, ${xs[0]}\\}`, `\\{${xs.join(', ')}\\}`)).toBe(true);
        expect(answersMatch(`(${shuffled.join(', ')})`, `(${xs.join(', ')})`)).toBe(false);
        expect(answersMatch(`\\{${xs.slice(1).join(', ')}\\}`, `\\{${xs.join(', ')}\\}`)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
