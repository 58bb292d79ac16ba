/**
 * Levels named by reward labels, made once and kept: a rollout batch scores 16 samples of each
 * prompt, and generating a Sokoban level (reverse-play search) costs far more than scoring a plan.
 */
import { GameEnv } from '../../envs/core/game-env.js';
import { make } from '../../envs/core/registry.js';
import type { JsonObject } from '../../envs/core/types.js';
import type { SokobanLevel } from '../../envs/sokoban/types.js';

/** Levels kept; a batch of 256 prompts needs 256. */
const CAPACITY = 4096;

const cache = new Map<string, SokobanLevel>();

/** The first state of `envId` at `seed` as a Sokoban level (the env's state is one). */
export function sokobanLevel(envId: string, seed: number, options: JsonObject): SokobanLevel {
  const key = JSON.stringify([envId, seed, options]);
  const hit = cache.get(key);
  if (hit) {
    // Re-insert: Map order is insertion order, so the oldest entry is the least recently used.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const env = make(envId, options);
  try {
    env.reset({ seed });
    if (!(env instanceof GameEnv)) throw new Error(`${envId} does not expose its game state`);
    const level = env.currentState() as SokobanLevel;
    cache.set(key, level);
    if (cache.size > CAPACITY) cache.delete(cache.keys().next().value as string);
    return level;
  } finally {
    env.close();
  }
}
