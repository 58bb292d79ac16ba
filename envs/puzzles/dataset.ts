/**
 * The puzzle families, `makeDataset` and `verifyPuzzle`.
 *
 * Determinism: item i of a dataset is generated from its own generator, seeded by
 * (family, difficulty, seed, i), so the same arguments always give the same items and text, and
 * the first items of a larger dataset equal those of a smaller one.
 */
import { makeRng } from '../core/rng.js';
import { finalAnswer } from './answer-text.js';
import { arithmetic } from './families/arithmetic.js';
import { countdown } from './families/countdown.js';
import { knights } from './families/knights.js';
import { linear } from './families/linear.js';
import { sequence } from './families/sequence.js';
import { textSokoban } from './families/sokoban-text.js';
import { chatPrompt } from './prompt.js';
import type { PuzzleFamily, PuzzleItem } from './types.js';

const FAMILIES: readonly PuzzleFamily[] = [arithmetic, countdown, linear, sequence, knights, textSokoban];

/** Family names, in a fixed order: arithmetic, countdown, linear, sequence, knights, sokoban. */
export const PUZZLE_FAMILIES: readonly string[] = FAMILIES.map((f) => f.name);

export const PUZZLE_DIFFICULTIES = [1, 2, 3, 4, 5] as const;

export function puzzleFamily(name: string): PuzzleFamily {
  const f = FAMILIES.find((x) => x.name === name);
  if (!f) throw new Error(`unknown puzzle family "${name}"; known: ${PUZZLE_FAMILIES.join(', ')}`);
  return f;
}

export interface DatasetOptions {
  /** Number of items (default 100). */
  size?: number;
  /** Dataset seed (default 0). */
  seed?: number;
  /**
   * 1 (easy) to 5 (hard), or a list cycled over the items (item i gets list[i % length]).
   * Default: all five levels in turn.
   */
  difficulty?: number | readonly number[];
}

/** One item, generated on its own stream. */
export function makePuzzle(family: string, difficulty: number, seed: number, index: number): PuzzleItem {
  const f = puzzleFamily(family);
  // Refused, not clamped: a typo like difficulty 7 must not quietly become a level-5 dataset.
  if (!(PUZZLE_DIFFICULTIES as readonly number[]).includes(difficulty)) {
    throw new RangeError(`difficulty must be one of ${PUZZLE_DIFFICULTIES.join(', ')}, got ${JSON.stringify(difficulty)}`);
  }
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${JSON.stringify(seed)}`);
  const d = difficulty as 1 | 2 | 3 | 4 | 5;
  const g = f.generate(makeRng(`puzzle/${f.name}/${d}/${seed}/${index}`), d);
  return {
    id: `${f.name}-d${d}-${seed}-${index}`,
    family: f.name,
    difficulty: d,
    prompt: chatPrompt(g.question),
    answer: g.answer,
    meta: g.meta,
  };
}

export function makeDataset(family: string, options: DatasetOptions = {}): PuzzleItem[] {
  const size = options.size ?? 100;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`size must be a whole number >= 0, got ${size}`);
  const levels = options.difficulty === undefined ? PUZZLE_DIFFICULTIES : [options.difficulty].flat();
  if (levels.length === 0) throw new RangeError('difficulty list is empty');
  return Array.from({ length: size }, (_, i) => makePuzzle(family, levels[i % levels.length], seed, i));
}

/**
 * Whether a model response solves a puzzle item: the final answer (last `<answer>` block, last
 * `\boxed{}` in it) checked by the item's family. Never throws on any response text.
 */
export function verifyPuzzle(item: PuzzleItem, response: string): boolean {
  const f = FAMILIES.find((x) => x.name === item.family);
  return f !== undefined && f.check(item, finalAnswer(response));
}

/**
 * The reward label naming an item, as JSON text: `{"family","seed","difficulty","index"}`. Sent to
 * POST /v1/reward it is graded by the family's verifier, where the gold text alone would let a
 * bare countdown target match the gold expression's value.
 */
export function puzzleLabel(item: PuzzleItem): string {
  const m = /^(.+)-d(\d+)-(-?\d+)-(\d+)$/.exec(item.id);
  if (!m) throw new Error(`item id ${JSON.stringify(item.id)} is not of the form <family>-d<difficulty>-<seed>-<index>`);
  return JSON.stringify({ family: m[1], seed: Number(m[3]), difficulty: Number(m[2]), index: Number(m[4]) });
}
