/**
 * sokobanReward against values worked out by hand from LMM-R1's formula:
 * total = max(0, best prefix return of the first 50 moves) + 0.5 + action-count bonus + thinking bonus.
 */
import { expectLinearGrowth } from '../../support/growth.js';
import { describe, expect, it } from 'vitest';
import { makeRng } from '../../../envs/core/rng.js';
import { parseBoxoban } from '../../../envs/sokoban/index.js';
import { actionCountBonus, hasRepeatedRun, sokobanReward, strictDirections, thinkingBonus } from '../../../envs/rewards/index.js';

// Player, floor, box, floor, target in one corridor: three Rights solve it.
const CORRIDOR = '#######\n#@ $ .#\n#######';
// Player right next to the box, target beyond it: one Right solves it.
const SHORT = '#####\n#@$.#\n#####';

const resp = (think: string, answer: string) => `<think>${think}</think><answer>${answer}</answer>`;
const rep = (words: string[], times: number) => Array.from({ length: times }, () => words).flat().join(', ');

describe('sokobanReward', () => {
  it('solving: best return 10.7, +0.5, 3 moves -> 0.15, 6 long words -> 0.006', () => {
    // Moves: step (-0.1), push (-0.1), push onto target (-0.1 + 1 + 10): returns -0.1, -0.2, 10.7.
    const r = sokobanReward(resp('I will push the box right twice', 'Right, Right, Right'), CORRIDOR);
    expect(r.task).toBeCloseTo(10.7, 10);
    expect(r.format).toBe(0.5);
    expect(r.bonuses.action_count).toBeCloseTo(0.15, 10);
    expect(r.bonuses.thinking).toBeCloseTo(0.006, 10);
    expect(r.total).toBeCloseTo(11.356, 10);
  });

  it('takes a state object as well as Boxoban text, and tokens in any case', () => {
    const a = sokobanReward(resp('go', ' right ,RIGHT,  Right'), parseBoxoban(CORRIDOR));
    expect(a.total).toBeCloseTo(10.7 + 0.5 + 0.15 + 0.001, 10);
  });

  it('the env part never goes below 0 (bumping walls)', () => {
    const r = sokobanReward(resp('a', 'Up, Down, Left'), CORRIDOR);
    expect(r.task).toBe(0);
    expect(r.total).toBeCloseTo(0.5 + 0.15, 10);
  });

  it('best prefix, not final return: solved then nothing after counts', () => {
    // simulation stops at the solve; extra moves still count towards n.
    const r = sokobanReward(resp('a', 'Right, Left, Left'), SHORT);
    expect(r.task).toBeCloseTo(10.9, 10);
    expect(r.bonuses.action_count).toBeCloseTo(0.15, 10);
  });

  it('only the first 50 moves are played', () => {
    // 49 moves that go nowhere and repeat no run of 1-5 words 8 times, then the solving Right.
    const rng = makeRng('sokoban-reward-test');
    let filler: string[] = [];
    do filler = Array.from({ length: 49 }, () => rng.pick(['Up', 'Down', 'Left']));
    while (hasRepeatedRun(filler.map((w) => w.toLowerCase()), 5, 7));
    const at50 = sokobanReward(resp('a', [...filler, 'Right'].join(', ')), SHORT);
    // 49 x -0.1 = -4.9, then +10.9: 6.0; 50 moves: 1 - 0.2 * ((50 - 20) / 30)^2 = 0.8.
    expect(at50.task).toBeCloseTo(6.0, 10);
    expect(at50.bonuses.action_count).toBeCloseTo(0.8, 10);
    expect(at50.total).toBeCloseTo(6.0 + 0.5 + 0.8, 10);
    const at51 = sokobanReward(resp('a', [...filler, 'Up', 'Right'].join(', ')), SHORT);
    expect(at51.task).toBe(0);
    expect(at51.bonuses.action_count).toBeCloseTo(1 - 0.2 * (31 / 30) ** 2, 10);
  });

  it('is 0 on format failures and on any non-direction token', () => {
    for (const r of [
      'Right',
      '<answer>Right</answer>',
      '<think>a</think> so <answer>Right</answer>',
      '<think>a</think><answer>Right</answer><answer>Right</answer>',
      resp('a', ''),
      resp('a', 'Right,'),
      resp('a', 'Right, Jump'),
      resp('a', 'R'),
      resp('a', 'Right Right'),
      resp('a', '\\boxed{Right}'),
      resp('a', 'Right; Right'),
      resp('a', 'noop'),
    ]) {
      expect(sokobanReward(r, SHORT), r).toEqual({ total: 0, format: 0, task: 0, bonuses: {}, success: false });
    }
  });

  it('applies weights from configuration', () => {
    const r = sokobanReward(resp('a', 'Right'), SHORT, { format: 1, perAction: 0.1, thinkingCap: 0 });
    expect(r.total).toBeCloseTo(10.9 + 1 + 0.1, 10);
  });
});

describe('action-count bonus', () => {
  const moves = (n: number) => Array.from({ length: n }, (_, i) => ['up', 'left', 'down', 'right', 'up', 'up', 'left'][i % 7]);
  it.each([
    [0, 0],
    [1, 0.05],
    [19, 0.95],
    [20, 1],
    [35, 1 - 0.2 * 0.25],
    [50, 0.8],
    [80, 1 - 0.2 * 4],
  ])('%i moves -> %f', (n, bonus) => {
    const m = moves(n);
    expect(hasRepeatedRun(m, 5, 7)).toBe(false);
    expect(actionCountBonus(m)).toBeCloseTo(bonus, 10);
  });

  it('a run of 1-5 words repeated more than 7 times: min(0, bonus - 0.2)', () => {
    // 8 x (up, down) = 16 moves: 0.8 - 0.2 = 0.6 -> min(0, 0.6) = 0.
    expect(actionCountBonus(strictDirections(rep(['Up', 'Down'], 8))!)).toBe(0);
    // 7 times is allowed: 14 moves -> 0.7.
    expect(actionCountBonus(strictDirections(rep(['Up', 'Down'], 7))!)).toBeCloseTo(0.7, 10);
    // 8 x one word, and 8 x a five-word run (40 moves: 1 - 0.2 * (20/30)^2 - 0.2 > 0 -> 0).
    expect(actionCountBonus(strictDirections(rep(['Left'], 8))!)).toBe(0);
    expect(actionCountBonus(strictDirections(rep(['Left'], 7))!)).toBeCloseTo(0.35, 10);
    expect(actionCountBonus(strictDirections(rep(['Up', 'Up', 'Left', 'Down', 'Right'], 8))!)).toBe(0);
    // Six-word runs are not looked at: 8 x 6 = 48 moves -> 1 - 0.2 * (28/30)^2.
    expect(actionCountBonus(strictDirections(rep(['Up', 'Up', 'Left', 'Down', 'Right', 'Right'], 8))!)).toBeCloseTo(1 - 0.2 * (28 / 30) ** 2, 10);
    // Long and repetitive: 110 x Up: 1 - 0.2 * 9 = -0.8 -> -1.0.
    expect(actionCountBonus(strictDirections(rep(['Up'], 110))!)).toBeCloseTo(-1, 10);
  });

  it('the penalty shows in the total', () => {
    // 8 x Left in the short room: every move bumps the wall, best return 0; bonus 0.
    const r = sokobanReward(resp('hm', rep(['Left'], 8)), SHORT);
    expect(r.total).toBeCloseTo(0.5 + 0 + 0.001, 10);
  });
});

describe('thinking bonus', () => {
  it('0.001 per whitespace-separated word longer than one character, at most 0.2', () => {
    expect(thinkingBonus('')).toBe(0);
    expect(thinkingBonus('a b c I')).toBe(0);
    expect(thinkingBonus('ab  cd\n\tef g')).toBeCloseTo(0.003, 10);
    expect(thinkingBonus('日本 語 🤔🤔 🤔')).toBeCloseTo(0.002, 10); // characters, not UTF-16 units
    expect(thinkingBonus('word '.repeat(150))).toBeCloseTo(0.15, 10);
    expect(thinkingBonus('word '.repeat(5000))).toBeCloseTo(0.2, 10);
  });

  it('reads 100 KB responses right, in time linear in their length', () => {
    const r = sokobanReward(resp('push '.repeat(20_000), 'Right'), SHORT);
    expect(r.bonuses.thinking).toBeCloseTo(0.2, 10);
    const many = sokobanReward(resp('a', rep(['Up', 'Left', 'Down'], 8_000)), SHORT);
    expect(many.task).toBe(0);
    expectLinearGrowth((n) => sokobanReward(resp('push '.repeat(n / 5), 'Right'), SHORT), 1_600, 'long thinking');
    expectLinearGrowth((n) => sokobanReward(resp('a', rep(['Up', 'Left', 'Down'], n / 12)), SHORT), 1_600, 'long plan');
  });
});
