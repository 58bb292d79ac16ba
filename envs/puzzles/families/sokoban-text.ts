/**
 * Text Sokoban: the level as a character grid in, the whole plan out (LMM-R1's "global" protocol:
 * the first 50 moves of the answer are played). The board is `sokobanBoard`'s grid and legend, the
 * very text of the Sokoban env's observation of that level with `text_coordinates: false`. Checked
 * by simulation: correct when the moves solve the level. Levels come from the Sokoban generator
 * (solvable by construction, with the optimal plan as the gold answer).
 */
import type { Rng } from '../../core/rng.js';
import { parseBoxoban, toBoxoban } from '../../sokoban/boxoban.js';
import { generateLevel } from '../../sokoban/generator.js';
import { simulateSokoban } from '../../sokoban/simulate.js';
import { sokobanBoard } from '../../sokoban/text.js';
import type { PuzzleFamily, PuzzleItem } from '../types.js';
import { level } from './level.js';
import { trimEndChars } from '../text-trim.js';

/** Moves read from one answer, as in the global protocol. */
export const TEXT_SOKOBAN_MAX_MOVES = 50;

const KNOBS = {
  1: { rows: 6, cols: 6, boxes: 1, minLength: 2, maxLength: 8 },
  2: { rows: 7, cols: 7, boxes: 1, minLength: 6, maxLength: 14 },
  3: { rows: 7, cols: 7, boxes: 2, minLength: 8, maxLength: 20 },
  4: { rows: 8, cols: 8, boxes: 2, minLength: 12, maxLength: 30 },
  5: { rows: 8, cols: 8, boxes: 3, minLength: 14, maxLength: 40 },
} as const;

const DIRECTIONS = ['up', 'down', 'left', 'right'] as const;
const TITLE = { up: 'Up', down: 'Down', left: 'Left', right: 'Right' } as const;
/** Plan indices of the Sokoban module: 1 up, 2 down, 3 left, 4 right. */
const BY_INDEX = [null, 'up', 'down', 'left', 'right'] as const;

/**
 * The directions of an answer, comma (or newline) separated, case-insensitive; null when any token
 * is not one of up/down/left/right or there is none.
 */
export function parseDirectionList(answer: string): Array<(typeof DIRECTIONS)[number]> | null {
  const tokens = answer.split(/[,\n]/).map((t) => trimEndChars(t.trim().toLowerCase(), '.;'));
  const out: Array<(typeof DIRECTIONS)[number]> = [];
  for (const t of tokens) {
    if (t === '') continue;
    const d = DIRECTIONS.find((x) => x === t);
    if (d === undefined) return null;
    out.push(d);
  }
  return out.length > 0 ? out : null;
}

export const textSokoban: PuzzleFamily = {
  name: 'sokoban',
  description: 'Text Sokoban: push every box onto a target; the answer is the whole move list',
  generate(rng: Rng, difficulty: number) {
    const k = KNOBS[level(difficulty)];
    const g = generateLevel(rng, { ...k, maxStates: 20_000, attempts: 20 });
    // meta.level stays Boxoban text: the verifier (and training's Sokoban reward) parses it.
    const text = toBoxoban(g.level);
    const plan = g.solution.plan.map((i) => TITLE[BY_INDEX[i] ?? 'up']);
    return {
      question:
        'You are playing Sokoban. Push every box onto a target. You can move Up, Down, Left or Right; ' +
        'walking into a box pushes it if the cell beyond is free; boxes cannot be pulled.\n\n' +
        `${sokobanBoard(g.level, { coordinates: false })}\n\n` +
        `Give all your moves at once as a comma-separated list, for example: Up, Left, Left, Down. ` +
        `Only the first ${TEXT_SOKOBAN_MAX_MOVES} moves are played.`,
      answer: plan.join(', '),
      meta: { level: text, boxes: k.boxes, optimal_length: g.solution.length, optimal_return: g.solution.return },
    };
  },
  check(item: PuzzleItem, answer: string) {
    const moves = parseDirectionList(answer);
    if (moves === null || typeof item.meta.level !== 'string') return false;
    return simulateSokoban(parseBoxoban(item.meta.level), moves.slice(0, TEXT_SOKOBAN_MAX_MOVES)).solved;
  },
};
