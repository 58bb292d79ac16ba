/**
 * Generated levels are solvable and their plans optimal: for every variant, the generator's plan
 * (from its reverse BFS) solves the level, the A* solver finds a plan of the same length, and an
 * independent brute-force BFS agrees. Brute force runs on every small-room level; on larger rooms
 * it is capped (five boxes in a 10x10 room can take seconds), and levels past the cap rest on the
 * agreement of the two exact searches of envs/sokoban, which share no search code.
 */
import { describe, expect, it } from 'vitest';
import { makeRng } from '../../../envs/core/rng.js';
import {
  generateLevel,
  parseBoxoban,
  simulateSokoban,
  solveSokoban,
  SOKOBAN_VARIANTS,
} from '../../../envs/sokoban/index.js';
import { stateBudget } from '../../../envs/sokoban/state-table.js';
import { bruteForceLength } from './brute-force.js';

const COUNTS: Record<string, number> = { 'Sokoban-small-v0': 200, 'Sokoban-small-v1': 200 };
const LARGE_COUNT = 20;
const BRUTE_CAP = 40_000;

describe.each(Object.entries(SOKOBAN_VARIANTS))('%s', (id, [rows, cols, boxes]) => {
  it('generates solvable levels with optimal plans', () => {
    const count = COUNTS[id] ?? LARGE_COUNT;
    const rng = makeRng(`solver-test/${id}`);
    let bruteChecked = 0;
    for (let i = 0; i < count; i++) {
      const made = generateLevel(rng, { rows, cols, boxes, minLength: 1, maxLength: 10_000 });
      const { level, solution } = made;
      expect(made.inRange).toBe(true);
      expect(level.fixed.length).toBe(rows);
      expect(level.fixed[0].length).toBe(cols);
      expect(level.boxes.length).toBe(boxes);
      const sim = simulateSokoban(level, solution.plan);
      expect(sim.solved).toBe(true);
      expect(sim.steps).toBe(solution.length);
      expect(sim.finalReturn).toBe(solution.return);
      const solved = solveSokoban(level);
      expect(solved.solved && solved.length).toBe(solution.length);
      if (solved.solved) expect(simulateSokoban(level, solved.plan).solved).toBe(true);
      const brute = bruteForceLength(level, id.includes('small') ? Infinity : BRUTE_CAP);
      if (brute >= 0) {
        expect(brute).toBe(solution.length);
        bruteChecked++;
      }
    }
    if (process.env.SOKOBAN_TEST_VERBOSE) console.log(id, `brute force confirmed ${bruteChecked}/${count}`);
    // Brute force must have confirmed a fair share of the large-room levels too.
    expect(bruteChecked).toBeGreaterThanOrEqual(id.includes('small') ? count : 3);
  });
});

describe('solveSokoban', () => {
  it('solves a hand-made level optimally and returns a playable plan', () => {
    const level = parseBoxoban(['#######', '#.  $@#', '#######'].join('\n'));
    const r = solveSokoban(level);
    expect(r).toMatchObject({ solved: true, length: 3, plan: [3, 3, 3] });
  });

  it('reports an unsolvable level (box in a corner)', () => {
    const level = parseBoxoban(['#####', '#$  #', '# @.#', '#####'].join('\n'));
    expect(solveSokoban(level)).toMatchObject({ solved: false, reason: 'unsolvable' });
  });

  it('reports unsolvable after exhausting the space when no single box is dead', () => {
    // Two boxes side by side against the top wall: neither can ever leave it, the goals are below.
    const level = parseBoxoban(['######', '# $$ #', '#    #', '# .. #', '#  @ #', '######'].join('\n'));
    expect(solveSokoban(level)).toMatchObject({ solved: false });
    expect(bruteForceLength(level)).toBe(-1);
  });

  it('stops at its state budget', () => {
    const level = parseBoxoban(['##########', '#@       #', '# $ $ $  #', '#        #', '#  . . . #', '##########'].join('\n'));
    expect(solveSokoban(level, { maxStates: 1000 })).toMatchObject({ solved: false, reason: 'budget' });
  });

  it('caps its states by memory when a level has many boxes, whatever budget was asked for', () => {
    expect(stateBudget(5, 2_000_000)).toBe(2_000_000);
    expect(stateBudget(172, 50_000_000)).toBe(Math.floor(2 ** 26 / 172));
    // 171 boxes, each one push from its goal, in a 40x40 room: 50 million states of 172 words
    // would be 17 GB; the cap stops the search near 128 MB instead.
    const rows = Array.from({ length: 40 }, (_, r) =>
      Array.from({ length: 40 }, (_, c) => {
        if (r === 0 || c === 0 || r === 39 || c === 39) return '#';
        if (r === 1 && c === 1) return '@';
        if (c % 2 === 1) return ' ';
        return r % 4 === 2 && r <= 34 ? '$' : r % 4 === 0 ? '.' : ' ';
      }).join(''),
    );
    const r = solveSokoban(parseBoxoban(rows.join('\n')), { maxStates: 50_000_000 });
    expect(r).toMatchObject({ solved: false, reason: 'budget' });
    expect(r.explored).toBeLessThanOrEqual(stateBudget(172, 50_000_000) + 1);
  });

  it('needs no moves for a level solved from the start', () => {
    expect(solveSokoban(parseBoxoban('####\n#@*#\n####'))).toMatchObject({ solved: true, length: 0, plan: [] });
  });
});
