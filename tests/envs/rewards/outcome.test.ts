/**
 * `success` and `score` of every reward, against outcomes worked out by hand: the rewards say
 * whether the task was solved and, for games, the 0-100 score, so that nobody simulates or grades
 * a response again to learn it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeDataset, makePuzzle, puzzleFamily, puzzleLabel } from '../../../envs/puzzles/index.js';
import {
  accuracyReward,
  formatReward,
  gameEpisodeReward,
  gradedAnswer,
  mathReward,
  rewardForItem,
  rewardForLabel,
  sokobanReward,
} from '../../../envs/rewards/index.js';

const resp = (answer: string) => `<think>pushing it along</think><answer>${answer}</answer>`;

// Player, floor, box, floor, target: Right, Right, Right solves it. Each move costs 0.1 and the
// push onto the target earns 1 + 10, so the returns after each move are -0.1, -0.2, 10.7.
const CORRIDOR = '#######\n#@ $ .#\n#######';
const OPTIMAL = 10.7;

describe('answers', () => {
  it('a correct answer is a success, a wrong one is not; no game score', () => {
    expect(mathReward(resp('4'), '4')).toMatchObject({ success: true, total: 1.5 });
    expect(mathReward(resp('5'), '4')).toMatchObject({ success: false, total: 0.5 });
    expect(accuracyReward(resp('\\boxed{4}'), '4').success).toBe(true);
    expect(accuracyReward(resp('5'), '4').success).toBe(false);
    // A correct answer in a broken format is still correct: the format part is what it loses.
    expect(mathReward('<answer>4</answer>', '4')).toMatchObject({ success: true, format: 0, total: 1 });
    expect(mathReward(resp('4'), '4').score).toBeUndefined();
  });

  it('the format reward grades no task', () => {
    expect(formatReward(resp('4'))).toMatchObject({ total: 0.5, success: false });
  });

  it('puzzle items: success is the family verdict', () => {
    const item = makePuzzle('countdown', 3, 0, 5);
    expect(rewardForItem(item, resp(item.answer))).toMatchObject({ success: true, total: 1.5 });
    expect(rewardForItem(item, resp(String(item.meta.target)))).toMatchObject({ success: false, total: 0.5 });
    expect(rewardForLabel(resp(item.answer), puzzleLabel(item)).success).toBe(true);
  });
});

describe('sokobanReward', () => {
  it('an optimal plan solves the level and scores 100', () => {
    const r = sokobanReward(resp('Right, Right, Right'), CORRIDOR, {}, OPTIMAL);
    expect(r.success).toBe(true);
    expect(r.score).toBeCloseTo(100, 10);
  });

  it('a plan with one wasted move solves it and scores 99.5: (10.6 - 10.7) x 5 + 100', () => {
    // Left bumps the wall (-0.1), then the three moves: best return -0.1 - 0.2 + 10.9 = 10.6.
    const r = sokobanReward(resp('Left, Right, Right, Right'), CORRIDOR, {}, OPTIMAL);
    expect(r.success).toBe(true);
    expect(r.score).toBeCloseTo(99.5, 10);
  });

  it('a plan that stops short does not solve it: best return 0 (no move), score (0 - 10.7) x 5 + 100 = 46.5', () => {
    const r = sokobanReward(resp('Right, Right'), CORRIDOR, {}, OPTIMAL);
    expect(r.success).toBe(false);
    expect(r.score).toBeCloseTo(46.5, 10);
  });

  it('a refused answer plays no move: not solved, the score of doing nothing', () => {
    for (const response of ['Right, Right, Right', resp('Right, Jump'), '<answer>Right, Right, Right</answer>']) {
      const r = sokobanReward(response, CORRIDOR, {}, OPTIMAL);
      expect(r.total, response).toBe(0);
      expect(r.success, response).toBe(false);
      expect(r.score, response).toBeCloseTo(46.5, 10);
    }
  });

  it('only the moves played count: a solve past maxActions is no success', () => {
    const r = sokobanReward(resp('Left, Right, Right, Right'), CORRIDOR, { maxActions: 3 }, OPTIMAL);
    expect(r.success).toBe(false);
    expect(r.score).toBeCloseTo(46.5, 10); // returns -0.1, -0.2, -0.3: the empty prefix's 0 is the best
  });

  it('without the optimal return there is no score; the reward is the same', () => {
    const withScore = sokobanReward(resp('Right, Right, Right'), CORRIDOR, {}, OPTIMAL);
    const without = sokobanReward(resp('Right, Right, Right'), CORRIDOR);
    expect(without.score).toBeUndefined();
    expect(without).toEqual({ ...withScore, score: undefined });
  });
});

describe('text Sokoban items', () => {
  const items = makeDataset('sokoban', { size: 6, seed: 2 });

  it("the gold plan solves the item and scores 100 against the item's optimal return", () => {
    for (const item of items) {
      const r = rewardForItem(item, resp(item.answer));
      expect(r.success, item.id).toBe(true);
      expect(r.score, item.id).toBeCloseTo(100, 8);
    }
  });

  it("success is the family's own check, also where the verifier refuses the answer's format", () => {
    const item = items[0];
    // No <think> block: the verifier pays nothing, the family check still reads the plan.
    expect(rewardForItem(item, `<answer>${item.answer}</answer>`)).toMatchObject({ total: 0, success: true });
    expect(rewardForItem(item, resp(item.answer.replaceAll(', ', '\n')))).toMatchObject({ total: 0, success: true });
    const move = fc.constantFrom('Up', 'Down', 'Left', 'Right', 'up', 'jump', '');
    const sep = fc.constantFrom(', ', ',', '\n', ' ', '. ');
    // Moves with a separator between each two (a trailing one, as in "Up,", is refused by the verifier).
    const answer = fc.array(fc.tuple(sep, move), { maxLength: 30 }).map((xs) => xs.map(([s, m], i) => (i === 0 ? m : s + m)).join(''));
    const shape = fc.constantFrom(resp, (a: string) => `<answer>${a}</answer>`, (a: string) => resp(`\\boxed{${a}}`), (a: string) => a);
    fc.assert(
      fc.property(fc.constantFrom(...items), answer, shape, (it, a, wrap) => {
        const response = wrap(a);
        const given = gradedAnswer(response);
        expect(rewardForItem(it, response).success).toBe(given !== null && puzzleFamily('sokoban').check(it, given));
      }),
      { numRuns: 1000 },
    );
    // And the gold plan, which solves every item, in each shape.
    for (const it of items) {
      for (const response of [resp(it.answer), `<answer>${it.answer}</answer>`, resp(`\\boxed{${it.answer}}`)]) {
        expect(rewardForItem(it, response).success, response).toBe(true);
      }
    }
  });
});

describe('game episodes', () => {
  // The Sokoban env on the corridor: its solver's optimal return is 10.7, and the episode's score is
  // the env's monotone MageBench score: 100 + 5 x (return - 10.7) solved, 100 + 5 x (best - 10.7) not.
  const episode = (answer: string) => gameEpisodeReward(resp(answer), 'Sokoban-small-v0', 0, { levels: [CORRIDOR] });

  it("an optimal plan: the env's reward, success, score 100", () => {
    const r = episode('Right, Right, Right');
    expect(r.total).toBeCloseTo(10.7, 10);
    expect(r.task).toBe(r.total);
    expect(r.success).toBe(true);
    expect(r.score).toBeCloseTo(100, 10);
    expect(r.episode).toEqual({ actionValid: true, moves: 3 });
  });

  it('one wasted move: 10.6, score 99.5', () => {
    const r = episode('Left, Right, Right, Right');
    expect(r.total).toBeCloseTo(10.6, 10);
    expect(r.success).toBe(true);
    expect(r.score).toBeCloseTo(99.5, 10);
    expect(r.episode?.moves).toBe(4);
  });

  it('a plan that stops short: -0.1, no success, score 46.5', () => {
    const r = episode('Right');
    expect(r.total).toBeCloseTo(-0.1, 10);
    expect(r.success).toBe(false);
    expect(r.score).toBeCloseTo(46.5, 10);
  });
});
