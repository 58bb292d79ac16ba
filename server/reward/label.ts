/**
 * A reward label is either a gold answer (math and text puzzles) or a JSON object naming a game
 * level, `{"env_id", "seed", "options"}`, whose verifier scores the response.
 */
import type { JsonObject } from '../../envs/core/types.js';

export type RewardLabel =
  | { kind: 'gold'; answer: string }
  | { kind: 'level'; env_id: string; seed: number; options: JsonObject };

export class LabelError extends Error {}

export function parseLabel(label: string): RewardLabel {
  const trimmed = label.trim();
  if (!trimmed.startsWith('{') || !trimmed.includes('"env_id"')) return { kind: 'gold', answer: label };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    // A gold answer may itself look like JSON-ish text; only a parsable object names a level.
    return { kind: 'gold', answer: label };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'gold', answer: label };
  const { env_id, seed, options } = value as Record<string, unknown>;
  if (typeof env_id !== 'string') throw new LabelError('env_id must be a string');
  if (seed !== undefined && !Number.isSafeInteger(seed)) throw new LabelError('seed must be an integer');
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw new LabelError('options must be an object');
  }
  return { kind: 'level', env_id, seed: (seed as number | undefined) ?? 0, options: (options ?? {}) as JsonObject };
}
