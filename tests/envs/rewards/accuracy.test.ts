import { describe, expect, it } from 'vitest';
import { accuracyReward, gradedAnswer, mathReward, sokobanReward } from '../../../envs/rewards/index.js';
import { CORPUS_ROWS } from '../../../envs/rewards/grading/corpus.js';
import { HOSTILE, HOSTILE_SHAPES } from '../puzzles/hostile.js';
import { expectLinearGrowth } from '../../support/growth.js';

const resp = (answer: string) => `<think>work</think><answer>${answer}</answer>`;
const acc = (response: string, gold: string) => accuracyReward(response, gold).total;

describe('accuracyReward', () => {
  it.each([
    ['4', '4'],
    ['\\boxed{4}', '$4$'],
    ['The answer is \\boxed{\\frac{1}{2}}.', '0.5'],
    ['\\boxed{3} no wait \\boxed{\\dfrac{3}{4}}', '3/4'],
    ['$-\\frac{3}{4}$', '-0.75'],
    ['\\left(\\frac{1}{2}\\right)', '1/2'],
    ['x = 5.', '5'],
    ['12,000', '12000'],
    ['\\text{(B)}', 'B'],
    ['b', '$\\text{B}$'],
    ['2 + 3', '5'],
    ['1/3 + 1/6', '\\frac{1}{2}'],
    ['\u22127', '-7'],
    ['x=1, y=2', '(1, 2)'],
    ['Paris', 'paris'],
  ])('answer %s matches gold %s', (answer, gold) => {
    expect(acc(resp(answer), gold)).toBe(1);
  });

  it.each([
    ['5', '4'],
    ['', '0'],
    ['   ', '0'],
    ['\\boxed{}', '0'],
    ['\\boxed{5} after all it is 4', '4'], // the boxed value wins over the prose
    ['A', 'B'],
    ['0.333', '1/3'],
    ['1/0', '0'],
    ['½', '1/2'], // vulgar-fraction characters are not read
  ])('answer %s does not match gold %s', (answer, gold) => {
    expect(acc(resp(answer), gold)).toBe(0);
  });

  it('reads only the <answer> block, the last one when there are several', () => {
    expect(acc('<think>the answer is 4</think>', '4')).toBe(0); // no answer block
    expect(acc('4', '4')).toBe(0);
    expect(acc('<answer>3</answer><answer>4</answer>', '4')).toBe(1);
    expect(acc('<answer>4</answer><answer>3</answer>', '4')).toBe(0);
    expect(acc('<think>a</think><answer>4', '4')).toBe(0); // unclosed
    expect(gradedAnswer('<answer> \\boxed{7} </answer>')).toBe('7');
    expect(gradedAnswer('no tags')).toBeNull();
  });

  it('returns its parts: the task part, no format part', () => {
    expect(accuracyReward(resp('4'), '4')).toEqual({ total: 1, format: 0, task: 1, bonuses: {}, success: true });
    expect(accuracyReward(resp('4'), '4', 2).total).toBe(2);
  });
});

describe('mathReward', () => {
  it('is format + accuracy, at most 1.5', () => {
    expect(mathReward(resp('\\boxed{4}'), '4')).toEqual({ total: 1.5, format: 0.5, task: 1, bonuses: {}, success: true });
    expect(mathReward(resp('5'), '4').total).toBe(0.5);
    expect(mathReward('Sure: <think>a</think><answer>4</answer>', '4').total).toBe(1);
    expect(mathReward('<think>a</think><answer>4</answer><answer>4</answer>', '4')).toEqual({ total: 1, format: 0, task: 1, bonuses: {}, success: true });
    expect(mathReward('nothing', '4').total).toBe(0);
    expect(mathReward(resp('4'), '4', { format: 0, accuracy: 2 }).total).toBe(2);
  });

  it('reads 100 KB responses right, in time linear in their length', () => {
    const think = 'let me think about \\frac{1}{2} and \\boxed{3} '.repeat(2_300);
    expect(think.length).toBeGreaterThan(100_000);
    expect(mathReward(`<think>${think}</think><answer>\\boxed{\\frac{1}{2}}</answer>`, '1/2').total).toBe(1.5);
    expect(mathReward(`<think>x</think><answer>${'\\boxed{'.repeat(15_000)}</answer>`, '1').total).toBe(0.5);
    expect(mathReward(`<think>x</think><answer>${'\\frac{'.repeat(15_000)}</answer>`, '1').total).toBe(0.5);
    expect(mathReward(`<think>x</think><answer>${'('.repeat(50_000)}1${')'.repeat(50_000)}</answer>`, '1').total).toBe(0.5);
    expect(mathReward(`<think>x</think><answer>${'1+'.repeat(50_000)}1</answer>`, '50001').total).toBe(0.5);
    expectLinearGrowth((n) => mathReward(`<think>${'word \\frac{1}{2} '.repeat(n / 16)}</think><answer>\\boxed{\\frac{1}{2}}</answer>`, '1/2'), 1_600, 'long thinking');
    expectLinearGrowth((n) => mathReward(`<think>x</think><answer>${'('.repeat(n / 2)}1${')'.repeat(n / 2)}</answer>`, '1'), 1_600, 'deep brackets');
    expectLinearGrowth((n) => mathReward(`<think>x</think><answer>${'1+'.repeat(n / 2)}1</answer>`, '1'), 1_600, 'long sum');
  });
});

describe('rewards on hostile 100 KB answers', () => {
  it('grade them right, in time linear in their length', () => {
    for (const answer of HOSTILE) {
      expect(mathReward(resp(answer), '1').total).toBe(0.5);
      expect(sokobanReward(resp(answer), '#####\n#@$.#\n#####').task).toBe(0);
    }
    HOSTILE_SHAPES.forEach((shape, i) =>
      expectLinearGrowth(
        (n) => {
          mathReward(resp(shape(n)), '1');
          sokobanReward(resp(shape(n)), '#####\n#@$.#\n#####');
        },
        // 1,600 to 102,400 characters covers the 100 KB answers at a sixteenth of the work of
        // 25,000 (which took 10 s under load).
        1_600,
        `shape ${i}`,
      ),
    );
  });
});

describe('the reward reads answers as the grader does', () => {
  it('every corpus answer, inside an <answer> block, gets the corpus verdict (brace-less boxes included)', () => {
    const wrong = CORPUS_ROWS.filter((r) => (accuracyReward(`<think>work</think><answer>${r.answer}</answer>`, r.gold).task > 0) !== r.equal);
    expect(wrong).toEqual([]);
    expect(gradedAnswer('<think>x</think><answer>\\boxed{3} then \\boxed 5</answer>')).toBe('5');
  });
});
