// Sources by name for the RL stages: the episode tasks (`football-online-<scenario>`) beside every
// prompt-item task of `itemSource`.
import { episodeSource } from '../rl/episodes.js';
import { itemSource } from './puzzles.js';
import type { RlSource } from './types.js';

export function rlSource(name: string): RlSource {
  return episodeSource(name) ?? itemSource(name);
}
