/**
 * Every family at every difficulty: gold answers verify, perturbed ones do not. Hundreds of items
 * per family and level (Sokoban fewer: each level is searched by reverse play).
 */
import { describe, expect, it } from 'vitest';
import {
  checkCountdown,
  makeDataset,
  numberLeaves,
  parseExpression,
  PUZZLE_FAMILIES,
  solveKnights,
  verifyPuzzle,
  type KnightsStatement,
  type PuzzleItem,
} from '../../../../envs/puzzles/index.js';
import { rat, toString } from '../../../../envs/puzzles/math/rational.js';
import { evaluateText, printExpression as print } from '../../../../envs/puzzles/math/expr.js';

const LEVELS = [1, 2, 3, 4, 5];
const SIZE = 200;
const wrap = (answer: string) => `<think>working</think><answer>${answer}</answer>`;

/** Answers that must be judged wrong, per family. */
function perturbations(item: PuzzleItem): string[] {
  switch (item.family) {
    case 'arithmetic':
    case 'sequence': {
      const v = evaluateText(item.answer);
      if (v === null) throw new Error(`gold is not a number: ${item.answer}`);
      const plus = toString(rat(v.num + v.den, v.den));
      return [plus, toString(rat(v.num - v.den, v.den)), `${item.answer} + 0`, ''];
    }
    case 'linear': {
      if (!item.answer.includes('=')) {
        const v = evaluateText(item.answer)!;
        return [toString(rat(v.num + v.den, v.den)), `x = ${toString(rat(v.num + 2n * v.den, v.den))}`];
      }
      const parts = item.answer.split(', ');
      const bumped = parts.map((p, i) => (i === 0 ? p.replace(/=(-?\d+)$/, (_, n) => `=${Number(n) + 1}`) : p));
      return [bumped.join(', '), parts.slice(1).join(', ')];
    }
    case 'countdown': {
      const target = item.meta.target as number;
      return [`(${item.answer}) + 1000`, `(${item.answer}) * 2`, String(target), `${target} + 0`];
    }
    case 'knights': {
      const flipped = item.answer.replace(/knight|knave/, (r) => (r === 'knight' ? 'knave' : 'knight'));
      const missing = item.answer.split(', ').slice(1).join(', ');
      return [flipped, missing, `${item.answer}, ${item.answer.split(', ')[0].replace(/knight|knave/, (r) => (r === 'knight' ? 'knave' : 'knight'))}`];
    }
    case 'sokoban': {
      const moves = item.answer.split(', ');
      return [moves.slice(0, -1).join(', '), `${item.answer}, Jump`, ''];
    }
    default:
      throw new Error(`no perturbations for ${item.family}`);
  }
}

describe.each(PUZZLE_FAMILIES.map((f) => [f]))('%s', (family) => {
  it.each(LEVELS.map((d) => [d]))('difficulty %i: gold verifies, perturbations do not', (difficulty) => {
    const items = makeDataset(family, { size: SIZE, seed: 7, difficulty });
    for (const item of items) {
      expect(item.difficulty).toBe(difficulty);
      expect(verifyPuzzle(item, wrap(item.answer)), `${item.id}: ${item.answer}`).toBe(true);
      expect(verifyPuzzle(item, `<answer>\\boxed{${item.answer}}</answer>`), item.id).toBe(true);
      for (const wrong of perturbations(item)) {
        expect(verifyPuzzle(item, wrap(wrong)), `${item.id}: "${wrong}" should be wrong`).toBe(false);
      }
    }
  });
});

describe('countdown', () => {
  const numbers = [2, 3, 5, 7];
  it('accepts any valid expression, in any spelling', () => {
    const valid = ['2 * 5', '5 * 2', '3 + 7', '7 + 3', '(7 - 2) + 5', '7 + 3 = 10', '10 = 2 * 5', '2 \\times 5', '\\frac{5 \\cdot (7 - 3)}{2}'];
    for (const e of valid) expect(checkCountdown(e, numbers, 10), e).toBe(true);
    expect(checkCountdown('8 / (3 - 8 / 3)', [3, 3, 8, 8], 24)).toBe(true); // a fractional step is fine
    expect(checkCountdown('2(7 - 2)', [2, 7, 2], 10)).toBe(true);
  });

  it('rejects reused or foreign numbers, other operators and wrong values', () => {
    for (const e of ['5 + 5', '2 * 5 * 1', '(7 - 2) * 2', '10', '2 * 5 = 11', '20 / 2', '-(-10)', '2^3 + 2', '2 * 5.0', '3 + 7 + 0', '7 + 3 = 10 = 10'])
      expect(checkCountdown(e, numbers, 10), e).toBe(false);
    expect(checkCountdown('7 - 3', numbers, 10)).toBe(false);
    expect(checkCountdown('not an expression', numbers, 10)).toBe(false);
  });

  it('generated items: a number used more often than given is rejected, swapped operands accepted', () => {
    for (const item of makeDataset('countdown', { size: 300, seed: 3 })) {
      const pool = item.meta.numbers as number[];
      const target = item.meta.target as number;
      const parsed = parseExpression(item.answer);
      if (!parsed.ok) throw new Error(item.answer);
      const used = numberLeaves(parsed.expr).map((v) => Number(v.num));
      const x = used[0];
      const allowed = pool.filter((n) => n === x).length >= used.filter((n) => n === x).length + 2;
      expect(checkCountdown(`${item.answer} + ${x} - ${x}`, pool, target)).toBe(allowed);
      const e = parsed.expr;
      if (e.type === 'bin' && (e.op === '+' || e.op === '*')) {
        const swapped = `(${print(e.right)}) ${e.op} (${print(e.left)})`;
        expect(checkCountdown(swapped, pool, target), swapped).toBe(true);
      }
    }
  });
});

describe('knights and knaves', () => {
  it('every generated puzzle has exactly one solution, the gold one (brute force)', () => {
    for (const d of LEVELS) {
      for (const item of makeDataset('knights', { size: 100, seed: 11, difficulty: d })) {
        const names = item.meta.names as string[];
        const said = (item.meta.statements as Array<Record<string, unknown>>).map((s) => ({
          speaker: s.speaker as number,
          // Stored as JSON; the record is the statement itself plus its speaker.
          statement: s as unknown as KnightsStatement,
        }));
        const solutions = solveKnights(names.length, said);
        expect(solutions, item.id).toHaveLength(1);
        expect(solutions[0]).toEqual(item.meta.roles);
      }
    }
  });

  it('reads answers in several phrasings', () => {
    const [item] = makeDataset('knights', { size: 1, seed: 1, difficulty: 2 });
    const names = item.meta.names as string[];
    const roles = item.meta.roles as boolean[];
    const prose = names.map((n, i) => `${n} is a ${roles[i] ? 'knight' : 'knave'}`).join(' and ');
    expect(verifyPuzzle(item, wrap(prose))).toBe(true);
    const lower = names.map((n, i) => `${n.toLowerCase()}=${roles[i] ? 'Knight' : 'Knave'}`).join('; ');
    expect(verifyPuzzle(item, wrap(lower))).toBe(true);
  });
});

describe('linear', () => {
  it('accepts systems in any order and as a tuple', () => {
    for (const item of makeDataset('linear', { size: 50, seed: 2, difficulty: 4 })) {
      const parts = item.answer.split(', ');
      expect(verifyPuzzle(item, wrap([...parts].reverse().join(', ')))).toBe(true);
      expect(verifyPuzzle(item, wrap(`(${parts.map((p) => p.split('=')[1]).join(', ')})`))).toBe(true);
    }
  });
});

describe('text sokoban', () => {
  it('moves after the level is solved do not matter; only the first 50 are played', () => {
    for (const item of makeDataset('sokoban', { size: 20, seed: 5, difficulty: 1 })) {
      expect(verifyPuzzle(item, wrap(`${item.answer}, Up, Up`))).toBe(true);
      const stall = Array(50).fill('Up').join(', ');
      expect(verifyPuzzle(item, wrap(`${stall}, ${item.answer}`))).toBe(false);
      expect(item.prompt[1].content).toContain('@');
    }
  });
});
