/**
 * Picking the reward for an item or a label. A label is either a gold answer (text, possibly
 * LMM-R1's `$...$`) or a JSON object naming a game level (`{"env_id", "seed", "options"}`); game
 * levels are resolved by the caller (the server owns env instances), which passes a resolver.
 */
import type { JsonObject } from '../../envs/core/types.js';
import { puzzleFamily, type PuzzleItem } from '../../envs/puzzles/index.js';
import { DEFAULT_MATH_REWARD, type MathRewardConfig, type SokobanRewardConfig } from './config.js';
import { gradedAnswer } from './accuracy.js';
import { formatReward } from './format.js';
import { mathReward } from './math.js';
import { sokobanReward, type SokobanRewardLevel } from './sokoban.js';
import { rewardResult, type RewardResult } from './types.js';

export type RewardLabel =
  | { kind: 'answer'; gold: string }
  | { kind: 'env'; env_id: string; seed: number | null; options: JsonObject };

/** Reads a label: a JSON object with a string `env_id` is a game level, anything else a gold answer. */
export function parseRewardLabel(label: string | JsonObject): RewardLabel {
  let obj: unknown = label;
  if (typeof label === 'string') {
    const t = label.trim();
    if (!t.startsWith('{')) return { kind: 'answer', gold: label };
    try {
      obj = JSON.parse(t);
    } catch {
      return { kind: 'answer', gold: label };
    }
  }
  const o = obj as Record<string, unknown> | null;
  if (o !== null && typeof o === 'object' && !Array.isArray(o) && typeof o.env_id === 'string') {
    const options = o.options !== null && typeof o.options === 'object' && !Array.isArray(o.options) ? (o.options as JsonObject) : {};
    return { kind: 'env', env_id: o.env_id, seed: typeof o.seed === 'number' ? o.seed : null, options };
  }
  return { kind: 'answer', gold: typeof label === 'string' ? label : JSON.stringify(label) };
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

/**
 * The reward of a response for a label: gold answers get `mathReward`; Sokoban game labels get
 * `sokobanReward` on the level `resolveLevel` returns; other game labels (and unresolved ones)
 * give null, for the caller to score with its env.
 */
export function rewardForLabel(response: string, label: string | JsonObject, config: DispatchConfig = {}): RewardResult | null {
  const parsed = parseRewardLabel(label);
  if (parsed.kind === 'answer') return mathReward(response, parsed.gold, config.math);
  if (!parsed.env_id.toLowerCase().startsWith('sokoban') || !config.resolveLevel) return null;
  const level = config.resolveLevel(parsed);
  return level === null ? null : sokobanReward(response, level, config.sokoban);
}
