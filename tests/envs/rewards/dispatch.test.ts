import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { make, type GameEnv } from '../../../envs/index.js';
import type { SokobanLevel } from '../../../envs/sokoban/index.js';
import { makeDataset, makePuzzle, PUZZLE_FAMILIES, puzzleLabel } from '../../../envs/puzzles/index.js';
import {
  accuracyReward,
  formatReward,
  gameEpisodeReward,
  mathReward,
  parseRewardLabel,
  rewardForItem,
  rewardForLabel,
  sokobanReward,
} from '../../../envs/rewards/index.js';

const resp = (answer: string) => `<think>thinking it through</think><answer>${answer}</answer>`;

describe('parseRewardLabel', () => {
  it('tells gold answers from game levels', () => {
    expect(parseRewardLabel('$\\frac{1}{2}$')).toEqual({ kind: 'answer', gold: '$\\frac{1}{2}$' });
    expect(parseRewardLabel('{1, 2}')).toEqual({ kind: 'answer', gold: '{1, 2}' });
    // A JSON object that names neither a level nor a puzzle is an error, not a gold that matches nothing.
    expect(parseRewardLabel('{"a": 1}')).toMatchObject({ kind: 'invalid', problem: expect.stringMatching(/keys a/) });
    expect(parseRewardLabel({ family: 'countdown', seed: 0, difficulty: 3, index: 5 })).toEqual({ kind: 'puzzle', family: 'countdown', seed: 0, difficulty: 3, index: 5 });
    expect(parseRewardLabel('{"puzzle_id": "knights-d2-7-11"}')).toEqual({ kind: 'puzzle', family: 'knights', seed: 7, difficulty: 2, index: 11 });
    expect(parseRewardLabel('{"family": "countdown", "seed": 0}')).toMatchObject({ kind: 'invalid', problem: expect.stringMatching(/integer "difficulty"/) });
    expect(parseRewardLabel('{"env_id": "Sokoban-small-v0", "seed": 3, "options": {"protocol": "global"}}')).toEqual({
      kind: 'env',
      env_id: 'Sokoban-small-v0',
      seed: 3,
      options: { protocol: 'global' },
    });
    expect(parseRewardLabel({ env_id: 'Football-v0' })).toEqual({ kind: 'env', env_id: 'Football-v0', seed: null, options: {} });
  });
});

describe('rewardForItem', () => {
  it.each(PUZZLE_FAMILIES.map((f) => [f]))('%s: the gold answer earns the full reward, a wrong one the format part', (family) => {
    for (const item of makeDataset(family, { size: 10, seed: 4 })) {
      const good = rewardForItem(item, resp(item.answer));
      if (family === 'sokoban') {
        expect(good).toEqual(sokobanReward(resp(item.answer), item.meta.level as string, {}, item.meta.optimal_return as number));
        expect(good.task).toBeCloseTo(item.meta.optimal_return as number, 10);
      } else {
        expect(good, item.id).toEqual({ total: 1.5, format: 0.5, task: 1, bonuses: {}, success: true });
        expect(rewardForItem(item, resp('zzz')).total).toBe(0.5);
        expect(rewardForItem(item, item.answer).total).toBe(0); // no tags, no reward
      }
    }
  });
});

describe('rewardForLabel', () => {
  it('rewards gold answers with mathReward and Sokoban levels with the verifier, on the level the caller resolves', () => {
    expect(rewardForLabel(resp('\\boxed{4}'), '$4$')).toEqual(mathReward(resp('4'), '4'));
    const label = '{"env_id": "Sokoban-small-v0", "seed": 1}';
    const level = '#####\n#@$.#\n#####';
    const r = rewardForLabel(resp('Right'), label, { resolveLevel: (l) => (l.seed === 1 ? level : '#####\n#@ $.#\n#####') });
    expect(r.task).toBeCloseTo(10.9, 10);
    expect(r.success).toBe(true);
  });

  it("without a resolver, plays the env's own first state at the seed (0 when none)", () => {
    const firstState = (seed: number) => {
      const env = make('Sokoban-small-v0');
      env.reset({ seed });
      return (env as GameEnv<SokobanLevel>).currentState();
    };
    for (const answer of ['Right', 'Up, Left, Left, Down', 'Down, Down, Right']) {
      expect(rewardForLabel(resp(answer), '{"env_id": "Sokoban-small-v0", "seed": 1}')).toEqual(sokobanReward(resp(answer), firstState(1)));
      expect(rewardForLabel(resp(answer), { env_id: 'Sokoban-small-v0' })).toEqual(sokobanReward(resp(answer), firstState(0)));
    }
  });

  it('plays other games as one whole-plan episode', () => {
    const label = { env_id: 'Football-empty-goal-close-v0', seed: 1, options: {} };
    const response = '<think>run at goal</think><answer>right, right, shot</answer>';
    const r = rewardForLabel(response, label);
    expect(r).toEqual(gameEpisodeReward(response, label.env_id, 1, {}));
    expect(r.episode).toEqual({ actionValid: true, moves: 3 });
    // The env's reward is the whole reward; format is not paid on top of it.
    expect(r.format).toBe(0);
    expect(r.total).toBe(r.task);
  });
});

describe('puzzle labels', () => {
  it.each(PUZZLE_FAMILIES.map((f) => [f]))('%s: a label naming the item grades as rewardForItem does', (family) => {
    for (const item of makeDataset(family, { size: 5, seed: 9 })) {
      const label = puzzleLabel(item);
      for (const response of [resp(item.answer), resp('zzz'), item.answer]) {
        expect(rewardForLabel(response, label), item.id).toEqual(rewardForItem(item, response));
      }
    }
  });

  it('countdown: the bare target earns 0 where the gold-text path would pay it; knights in any order', () => {
    const item = makePuzzle('countdown', 3, 0, 5);
    const target = String(item.meta.target);
    expect(rewardForLabel(resp(target), puzzleLabel(item))?.task).toBe(0);
    expect(rewardForLabel(resp(target), item.answer)?.task).toBe(1); // why a puzzle needs its own label
    expect(rewardForLabel(resp(`${item.answer} = ${target}`), puzzleLabel(item))?.task).toBe(1);
    const knights = makePuzzle('knights', 4, 0, 1);
    const reordered = knights.answer.split(', ').reverse().join(', ');
    expect(rewardForLabel(resp(reordered), puzzleLabel(knights))?.task).toBe(1);
    expect(() => rewardForLabel(resp('1'), { family: 'countdown', seed: 0, difficulty: 9, index: 0 })).toThrow(/difficulty must be one of/);
  });
});

describe('rewards never throw (property)', () => {
  const piece = fc.constantFrom('<think>', '</think>', '<answer>', '</answer>', '\\boxed{', '}', '{', 'Right', ',', ' ', '\n', '1/2', '\\frac', 'x', '$', '🤔');
  const text = fc.oneof(fc.string(), fc.array(piece).map((p) => p.join('')));
  it('on arbitrary responses and golds', () => {
    const level = '#####\n#@$.#\n#####';
    fc.assert(
      fc.property(text, text, (response, gold) => {
        for (const r of [formatReward(response), accuracyReward(response, gold), mathReward(response, gold), sokobanReward(response, level)]) {
          expect(Number.isFinite(r.total)).toBe(true);
          expect(r.total).toBeGreaterThanOrEqual(-1.3);
        }
        expect(mathReward(response, gold).total).toBeLessThanOrEqual(1.5);
        parseRewardLabel(gold);
      }),
      { numRuns: 3000 },
    );
  });
});
