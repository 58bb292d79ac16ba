/** The move rules: hand-made cases, then fast-check properties over random levels and moves. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeRng } from '../../../envs/core/rng.js';
import {
  countBoxesOnTarget,
  generateLevel,
  moveSokoban,
  parseBoxoban,
  simulateSokoban,
  sokobanMoveIndex,
  toBoxoban,
  type SokobanLevel,
} from '../../../envs/sokoban/index.js';

const UP = 1;
const DOWN = 2;
const LEFT = 3;
const RIGHT = 4;

describe('moveSokoban', () => {
  const level = parseBoxoban(['#######', '#     #', '# @$. #', '#  $ .#', '#######'].join('\n'));

  it('walks, costing 0.1', () => {
    const r = moveSokoban(level, UP);
    expect(r.state.player).toEqual([1, 2]);
    expect(r.reward).toBeCloseTo(-0.1, 12);
    expect(r).toMatchObject({ effective: true, pushed: false, solved: false, boxesOnTarget: 0 });
  });

  it('pushes a box onto a target for +1 (0.9 net)', () => {
    const r = moveSokoban(level, RIGHT);
    expect(toBoxoban(r.state)).toBe(['#######', '#     #', '#  @* #', '#  $ .#', '#######'].join('\n'));
    expect(r.reward).toBe(-0.1 + 1);
    expect(r).toMatchObject({ effective: true, pushed: true, boxesOnTarget: 1 });
  });

  it('pushes a box off a target for -1 (-1.1 net)', () => {
    const on = moveSokoban(level, RIGHT).state;
    const r = moveSokoban(on, RIGHT);
    expect(r.reward).toBe(-0.1 - 1);
    expect(r.boxesOnTarget).toBe(0);
  });

  it('does nothing against a wall, a box before a wall, or two boxes in a row', () => {
    const wall = moveSokoban(level, LEFT).state; // [2, 1]
    expect(moveSokoban(wall, LEFT)).toMatchObject({ effective: false, pushed: false });
    const stacked = parseBoxoban(['######', '#@$$.#', '#   .#', '######'].join('\n'));
    const r = moveSokoban(stacked, RIGHT);
    expect(r.state).toBe(stacked);
    expect(r.reward).toBeCloseTo(-0.1, 12);
    const againstWall = parseBoxoban(['#####', '#@ $#', '#  .#', '#####'].join('\n'));
    expect(moveSokoban(moveSokoban(againstWall, RIGHT).state, RIGHT).effective).toBe(false);
  });

  it('noop costs a step and changes nothing', () => {
    const r = moveSokoban(level, 0);
    expect(r.state).toBe(level);
    expect(r.reward).toBeCloseTo(-0.1, 12);
    expect(r.effective).toBe(false);
  });

  it('adds +10 when the last box lands (10.9 for that move)', () => {
    const one = parseBoxoban('#####\n#@$.#\n#####');
    const r = moveSokoban(one, RIGHT);
    expect(r.reward).toBe(-0.1 + 1 + 10);
    expect(r.solved).toBe(true);
  });

  it('rejects an action index outside 0-8 (5-8 are gym-sokoban\'s walks without pushing)', () => {
    expect(() => moveSokoban(level, 9)).toThrow(RangeError);
    expect(() => moveSokoban(level, -1)).toThrow(RangeError);
    expect(() => moveSokoban(level, 1.5)).toThrow(RangeError);
  });
});

describe('simulateSokoban', () => {
  it('sums rewards as an episode does and stops once solved', () => {
    const level = parseBoxoban('######\n#@ $.#\n######');
    const sim = simulateSokoban(level, ['right', 'Right', 'left', 'up']);
    expect(sim.steps).toBe(2);
    expect(sim.solved).toBe(true);
    expect(sim.rewards).toEqual([-0.1, -0.1 + 1 + 10]);
    expect(sim.finalReturn).toBe(-0.1 + (-0.1 + 1 + 10));
    expect(sim.bestReturn).toBe(sim.finalReturn);
    expect(sim.effective).toEqual([true, true]);
  });

  it('keeps the best prefix return, with the empty prefix at 0', () => {
    const level = parseBoxoban('######\n#@ $.#\n######');
    expect(simulateSokoban(level, ['left', 'left']).bestReturn).toBe(0);
  });

  it('accepts names, aliases and indices, and names a bad move', () => {
    expect(['noop', 'U', 'down', 'l', 'East', 4].map(sokobanMoveIndex)).toEqual([0, 1, 2, 3, 4, 4]);
    expect(() => sokobanMoveIndex('jump')).toThrow(/jump/);
    expect(() => sokobanMoveIndex('constructor')).toThrow(/not a Sokoban move: "constructor"/);
    expect(() => sokobanMoveIndex(7)).toThrow(RangeError);
  });
});

/** A small generated level per seed, for the properties. */
const levels = new Map<number, SokobanLevel>();
function levelFor(seed: number): SokobanLevel {
  let level = levels.get(seed);
  if (!level) {
    const boxes = 2 + (seed % 2);
    level = generateLevel(makeRng(seed), { rows: 7, cols: 7, boxes, minLength: 1, maxLength: 10_000 }).level;
    levels.set(seed, level);
  }
  return level;
}

const cellKey = ([r, c]: readonly number[]) => `${r},${c}`;

describe('properties', () => {
  it('random moves keep the invariants, never mutate the previous state, and rewards follow boxes on targets', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 80 }), (seed, moves) => {
        const level = levelFor(seed);
        const fixedBefore = JSON.stringify(level.fixed);
        let state = level;
        for (const move of moves) {
          const snapshot = JSON.stringify(state);
          const before = countBoxesOnTarget(state);
          const r = moveSokoban(state, move);
          expect(JSON.stringify(state)).toBe(snapshot); // previous state untouched
          const next = r.state;
          // Walls fixed, box count kept, everyone on floor, no two boxes on one cell.
          expect(next.fixed).toBe(level.fixed);
          expect(next.boxes.length).toBe(level.boxes.length);
          const [pr, pc] = next.player;
          expect(next.fixed[pr][pc]).not.toBe(0);
          const cells = new Set(next.boxes.map(cellKey));
          expect(cells.size).toBe(next.boxes.length);
          expect(cells.has(cellKey(next.player))).toBe(false);
          for (const [r0, c0] of next.boxes) expect(next.fixed[r0][c0]).not.toBe(0);
          // The player moves at most one cell; a box moves only when pushed, one cell.
          expect(Math.abs(pr - state.player[0]) + Math.abs(pc - state.player[1])).toBeLessThanOrEqual(1);
          const moved = next.boxes.filter((b) => !state.boxes.some((o) => cellKey(o) === cellKey(b))).length;
          expect(moved).toBe(r.pushed ? 1 : 0);
          // Reward: the step cost, the change in boxes on targets, the solve bonus.
          const after = countBoxesOnTarget(next);
          expect(r.boxesOnTarget).toBe(after);
          const expected = -0.1 + Math.sign(after - before) + (after === next.boxes.length ? 10 : 0);
          expect(r.reward).toBeCloseTo(expected, 12);
          state = next;
          if (r.solved) break;
        }
        expect(JSON.stringify(level.fixed)).toBe(fixedBefore);
      }),
      { numRuns: 300 },
    );
  });

  it('simulateSokoban agrees with stepping move by move', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 60 }), (seed, moves) => {
        const level = levelFor(seed);
        const sim = simulateSokoban(level, moves);
        let state = level;
        let total = 0;
        let best = 0;
        let steps = 0;
        for (const move of moves) {
          const r = moveSokoban(state, move);
          state = r.state;
          total += r.reward;
          best = Math.max(best, total);
          steps++;
          if (r.solved) break;
        }
        expect(sim.steps).toBe(steps);
        expect(sim.finalReturn).toBe(total);
        expect(sim.bestReturn).toBe(best);
        expect(sim.state).toEqual(state);
      }),
      { numRuns: 200 },
    );
  });
});
