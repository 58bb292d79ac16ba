/**
 * Levels and puzzle items named by reward labels, made once and kept: a rollout batch grades 16
 * samples of each prompt, and generating a Sokoban level (reverse-play search) or a puzzle item
 * (a text Sokoban item runs the same search, a knights item its solver) costs far more than
 * grading an answer against it (text Sokoban items of the benchmark's batch: 1.7 ms a sample when
 * the item was made for each sample, 0.07 ms from this cache).
 * Each thread holds its own caches (the server's reward workers one each).
 */
// Game labels make envs by id: every game registers on import (a worker thread starts with none).
import '../browser.js';
import { GameEnv } from '../core/game-env.js';
import { make } from '../core/registry.js';
import type { JsonObject } from '../core/types.js';
import type { PuzzleItem } from '../puzzles/types.js';
import type { SokobanLevel } from '../sokoban/types.js';
import { puzzleForLabel, type PuzzleLabel } from './labels.js';

/** Entries kept per cache; a batch of 256 prompts needs 256. */
const CAPACITY = 4096;

/** `make()` once per key, least recently used entries dropped beyond CAPACITY. */
function cached<V>(cache: Map<string, V>, key: string, make: () => V): V {
  const hit = cache.get(key);
  if (hit !== undefined) {
    // Re-insert: Map order is insertion order, so the oldest entry is the least recently used.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const value = make();
  cache.set(key, value);
  if (cache.size > CAPACITY) cache.delete(cache.keys().next().value as string);
  return value;
}

const levels = new Map<string, SokobanLevel>();
const items = new Map<string, PuzzleItem>();

/** The first state of `envId` at `seed` as a Sokoban level (the env's state is one). */
export function cachedEnvLevel(envId: string, seed: number, options: JsonObject): SokobanLevel {
  return cached(levels, JSON.stringify([envId, seed, options]), () => {
    const env = make(envId, options);
    try {
      env.reset({ seed });
      if (!(env instanceof GameEnv)) throw new Error(`${envId} does not expose its game state`);
      return env.currentState() as SokobanLevel;
    } finally {
      env.close();
    }
  });
}

/** The puzzle item a label names (graders only read it). Throws RewardLabelError as puzzleForLabel does. */
export function cachedPuzzleItem(label: PuzzleLabel): PuzzleItem {
  return cached(items, JSON.stringify([label.family, label.difficulty, label.seed, label.index]), () => puzzleForLabel(label));
}
