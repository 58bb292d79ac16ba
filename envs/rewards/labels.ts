/**
 * Reward labels, as OpenRLHF datasets carry them. A label is a gold answer (text, possibly LMM-R1's
 * `$...$` or `$\boxed{...}$`), or JSON naming what to grade against:
 *
 * - a puzzle item, `{"family", "seed", "difficulty", "index"}` (or `{"puzzle_id": "countdown-d3-0-5"}`,
 *   the item's id);
 * - a game level, `{"env_id", "seed", "options"}`.
 *
 * Any other JSON object is an error naming the label, never a gold answer: its text would match
 * nothing and hide the mistake.
 */
import type { JsonObject } from '../core/types.js';
import { makePuzzle, PUZZLE_FAMILIES, type PuzzleItem } from '../puzzles/index.js';

export type RewardLabel =
  | { kind: 'answer'; gold: string }
  | { kind: 'env'; env_id: string; seed: number | null; options: JsonObject }
  | { kind: 'puzzle'; family: string; seed: number; difficulty: number; index: number }
  | { kind: 'invalid'; problem: string };

export type EnvLabel = Extract<RewardLabel, { kind: 'env' }>;
export type PuzzleLabel = Extract<RewardLabel, { kind: 'puzzle' }>;

/** A label that cannot be graded: an unknown JSON form, an unusable gold, a bad puzzle reference. */
export class RewardLabelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RewardLabelError';
  }
}

const PUZZLE_ID = /^([a-z][a-z0-9_-]*?)-d(\d+)-(-?\d+)-(\d+)$/;

function puzzleLabel(o: Record<string, unknown>): RewardLabel {
  if (typeof o.puzzle_id === 'string') {
    const m = PUZZLE_ID.exec(o.puzzle_id);
    if (!m) return { kind: 'invalid', problem: `puzzle_id ${JSON.stringify(o.puzzle_id)} is not of the form <family>-d<difficulty>-<seed>-<index>` };
    return { kind: 'puzzle', family: m[1], difficulty: Number(m[2]), seed: Number(m[3]), index: Number(m[4]) };
  }
  for (const key of ['seed', 'difficulty', 'index'] as const) {
    if (!Number.isSafeInteger(o[key])) return { kind: 'invalid', problem: `a puzzle label needs an integer "${key}" (family, seed, difficulty, index)` };
  }
  return { kind: 'puzzle', family: o.family as string, seed: o.seed as number, difficulty: o.difficulty as number, index: o.index as number };
}

/** Reads a label: JSON objects name a game level or a puzzle item; text is a gold answer. */
export function parseRewardLabel(label: string | JsonObject): RewardLabel {
  let obj: unknown = label;
  if (typeof label === 'string') {
    const t = label.trim();
    if (!t.startsWith('{')) return { kind: 'answer', gold: label };
    try {
      obj = JSON.parse(t);
    } catch {
      // "{1, 2}" is a set, not broken JSON.
      return { kind: 'answer', gold: label };
    }
  }
  const o = obj as Record<string, unknown> | null;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return { kind: 'answer', gold: typeof label === 'string' ? label : JSON.stringify(label) };
  if (typeof o.env_id === 'string') {
    const options = o.options !== null && typeof o.options === 'object' && !Array.isArray(o.options) ? (o.options as JsonObject) : {};
    return { kind: 'env', env_id: o.env_id, seed: typeof o.seed === 'number' ? o.seed : null, options };
  }
  if (typeof o.family === 'string' || typeof o.puzzle_id === 'string') return puzzleLabel(o);
  const keys = Object.keys(o).slice(0, 5).join(', ');
  return {
    kind: 'invalid',
    problem: `a JSON label must name a game level {"env_id", "seed", "options"} or a puzzle item {"family", "seed", "difficulty", "index"}; this one has ${keys === '' ? 'no keys' : `keys ${keys}`}`,
  };
}

/** The item a puzzle label names; a RewardLabelError for an unknown family or difficulty. */
export function puzzleForLabel(label: PuzzleLabel): PuzzleItem {
  if (!PUZZLE_FAMILIES.includes(label.family)) {
    throw new RewardLabelError(`unknown puzzle family ${JSON.stringify(label.family)}; known: ${PUZZLE_FAMILIES.join(', ')}`);
  }
  try {
    return makePuzzle(label.family, label.difficulty, label.seed, label.index);
  } catch (e) {
    throw new RewardLabelError((e as Error).message);
  }
}
