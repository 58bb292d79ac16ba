/**
 * The text-puzzle families as environments of the protocol façades (OpenEnv, ORS): `puzzle-<family>`,
 * one question and one answer, reward 1 when the family's verifier accepts the answer. They have no
 * frame and take no instance of the pool.
 */
import { PUZZLE_FAMILIES, type PuzzleItem } from '../envs/puzzles/index.js';

const PREFIX = 'puzzle-';

/** The env id of every family. */
export const PUZZLE_ENV_IDS: readonly string[] = PUZZLE_FAMILIES.map((f) => PREFIX + f);

/** The family a façade env id names (`puzzle-countdown` -> `countdown`), or null. */
export function puzzleFamilyOf(envId: string): string | null {
  const family = envId.startsWith(PREFIX) ? envId.slice(PREFIX.length) : null;
  return family !== null && PUZZLE_FAMILIES.includes(family) ? family : null;
}

/** The question as plain text: the item's messages, their text parts joined. */
export function puzzleText(item: PuzzleItem): string {
  return item.prompt.map((m) => (typeof m.content === 'string' ? m.content : m.content.map((p) => ('text' in p ? String(p.text) : '')).join(''))).join('\n\n');
}
