/** The generator: valid, deterministic, never throwing, whatever the room and limits. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeRng } from '../../../envs/core/rng.js';
import { generateLevel, isSolved, simulateSokoban, solveSokoban, type SokobanLevel } from '../../../envs/sokoban/index.js';

function expectValid(level: SokobanLevel, rows: number, cols: number, boxes: number): void {
  expect(level.fixed.length).toBe(rows);
  for (const row of level.fixed) expect(row.length).toBe(cols);
  // Border all wall.
  for (let c = 0; c < cols; c++) expect(level.fixed[0][c] + level.fixed[rows - 1][c]).toBe(0);
  for (let r = 0; r < rows; r++) expect(level.fixed[r][0] + level.fixed[r][cols - 1]).toBe(0);
  expect(level.boxes.length).toBe(boxes);
  expect(level.fixed.flat().filter((v) => v === 2).length).toBe(boxes);
  const cells = new Set([...level.boxes, level.player].map(([r, c]) => `${r},${c}`));
  expect(cells.size).toBe(boxes + 1);
  for (const [r, c] of [...level.boxes, level.player]) expect(level.fixed[r][c]).not.toBe(0);
  expect(isSolved(level)).toBe(false);
}

describe('generateLevel', () => {
  it('is deterministic for a seed and draws exactly one value from the caller stream', () => {
    const opts = { rows: 8, cols: 9, boxes: 3, minLength: 1, maxLength: 10_000 };
    const a = makeRng(42);
    const b = makeRng(42);
    expect(generateLevel(a, opts)).toEqual(generateLevel(b, opts));
    const c = makeRng(42);
    c.seed();
    expect(a.next()).toBe(c.next());
  });

  it('leaves no box on a target at the start', () => {
    const rng = makeRng('no-box-on-target');
    for (let i = 0; i < 100; i++) {
      const { level } = generateLevel(rng, { rows: 7, cols: 7, boxes: 3, minLength: 1, maxLength: 10_000 });
      expect(level.boxes.every(([r, c]) => level.fixed[r][c] !== 2)).toBe(true);
    }
  });

  it('never throws and always gives a valid, solvable level, for any room, box count and limits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 9 }),
        fc.integer({ min: 5, max: 9 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer(),
        (rows, cols, wantBoxes, minLength, span, seed) => {
          const boxes = Math.min(wantBoxes, cols - 2);
          const opts = { rows, cols, boxes, minLength, maxLength: minLength + span, attempts: 6, maxStates: 5_000 };
          const made = generateLevel(makeRng(seed), opts);
          expectValid(made.level, rows, cols, boxes);
          const sim = simulateSokoban(made.level, made.solution.plan);
          expect(sim.solved).toBe(true);
          expect(sim.finalReturn).toBe(made.solution.return);
          if (made.inRange) {
            expect(made.solution.length).toBeGreaterThanOrEqual(minLength);
            expect(made.solution.length).toBeLessThanOrEqual(minLength + span);
          }
          if (made.solution.optimal && boxes <= 3) {
            const solved = solveSokoban(made.level, { maxStates: 200_000 });
            if (solved.solved) expect(solved.length).toBe(made.solution.length);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('falls back to an open room, then to a hand-built level, both solvable', () => {
    for (const [rows, cols, boxes] of [
      [5, 5, 3],
      [7, 7, 2],
      [6, 9, 7],
    ]) {
      const open = generateLevel(makeRng(1), { rows, cols, boxes, minLength: 1, maxLength: 10_000, attempts: 0 });
      // An open room (2), or the hand-built level (3) where its search ran out of budget.
      expect([2, 3]).toContain(open.attempts);
      expectValid(open.level, rows, cols, boxes);
      expect(simulateSokoban(open.level, open.solution.plan).solved).toBe(true);
      const built = generateLevel(makeRng(1), { rows, cols, boxes, minLength: 1, maxLength: 10_000, attempts: 0, maxStates: 1 });
      expect(built.attempts).toBe(3);
      expect(built.solution.optimal).toBe(false);
      expectValid(built.level, rows, cols, boxes);
      expect(simulateSokoban(built.level, built.solution.plan).solved).toBe(true);
    }
  });
});
