/**
 * Picking the reward for an item or a label. A label is a gold answer (text, possibly LMM-R1's
 * `$...$` or `$\boxed{...}$`), or JSON naming what to grade against:
 *
 * - a puzzle item, `{"family", "seed", "difficulty", "index"}` (or `{"puzzle_id": "countdown-d3-0-5"}`,
 *   the item's id): graded by the family's own verifier, as in training (countdown checks the
 *   numbers used, knights reads roles by name, text Sokoban plays the moves);
 * - a game level, `{"env_id", "seed", "options"}`: resolved by the caller (the server owns env
 *   instances), which passes a resolver.
 *
 * Any other JSON object is an error naming the label, never a gold answer: its text would match
 * nothing and hide the mistake.
 */
import type { JsonObject } from '../core/types.js';
import { makePuzzle, puzzleFamily, PUZZLE_FAMILIES, type PuzzleItem } from '../puzzles/index.js';
import { DEFAULT_MATH_REWARD, type MathRewardConfig, type SokobanRewardConfig } from './config.js';
import { gradedAnswer } from './accuracy.js';
import { formatReward } from './format.js';
import { goldProblem } from './grading/grade.js';
import { mathReward } from './math.js';
import { sokobanReward, type SokobanRewardLevel } from './sokoban.js';
import { rewardResult, type RewardResult } from './types.js';

export type RewardLabel =
  | { kind: 'answer'; gold: string }
  | { kind: 'env'; env_id: string; seed: number | null; options: JsonObject }
  | { kind: 'puzzle'; family: string; seed: number; difficulty: number; index: number }
  | { kind: 'invalid'; problem: string };

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

export interface DispatchConfig {
  math?: Partial<MathRewardConfig>;
  sokoban?: Partial<SokobanRewardConfig>;
  /** Builds the level of a game label; without it (or when it returns null) env labels get null. */
  resolveLevel?: (label: Extract<RewardLabel, { kind: 'env' }>) => SokobanRewardLevel | null;
}

/**
 * The reward of a response to a puzzle item: Sokoban items get `sokobanReward`; the others get
 * format + task, the task graded by the item's own family check on the `<answer>` block.
 */
export function rewardForItem(item: PuzzleItem, response: string, config: DispatchConfig = {}): RewardResult {
  if (item.family === 'sokoban' && typeof item.meta.level === 'string') {
    return sokobanReward(response, item.meta.level, config.sokoban);
  }
  const w = { ...DEFAULT_MATH_REWARD, ...config.math };
  const answer = gradedAnswer(response);
  const correct = answer !== null && puzzleFamily(item.family).check(item, answer);
  return rewardResult(formatReward(response, w.format).format, correct ? w.accuracy : 0);
}

/** The item a puzzle label names; a RewardLabelError for an unknown family or difficulty. */
export function puzzleForLabel(label: Extract<RewardLabel, { kind: 'puzzle' }>): PuzzleItem {
  if (!PUZZLE_FAMILIES.includes(label.family)) {
    throw new RewardLabelError(`unknown puzzle family ${JSON.stringify(label.family)}; known: ${PUZZLE_FAMILIES.join(', ')}`);
  }
  try {
    return makePuzzle(label.family, label.difficulty, label.seed, label.index);
  } catch (e) {
    throw new RewardLabelError((e as Error).message);
  }
}

/**
 * The reward of a response for a label: gold answers get `mathReward`; puzzle items their family
 * verifier (`rewardForItem`); Sokoban game labels `sokobanReward` on the level `resolveLevel`
 * returns; other game labels (and unresolved ones) give null, for the caller to score with its
 * env. Throws `RewardLabelError` for a label that cannot be graded (an empty gold among them).
 */
export function rewardForLabel(response: string, label: string | JsonObject, config: DispatchConfig = {}): RewardResult | null {
  const parsed = parseRewardLabel(label);
  if (parsed.kind === 'invalid') throw new RewardLabelError(parsed.problem);
  if (parsed.kind === 'answer') {
    const problem = goldProblem(parsed.gold);
    if (problem !== null) throw new RewardLabelError(problem);
    return mathReward(response, parsed.gold, config.math);
  }
  if (parsed.kind === 'puzzle') return rewardForItem(puzzleForLabel(parsed), response, config);
  if (!parsed.env_id.toLowerCase().startsWith('sokoban') || !config.resolveLevel) return null;
  const level = config.resolveLevel(parsed);
  return level === null ? null : sokobanReward(response, level, config.sokoban);
}
