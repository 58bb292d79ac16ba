/**
 * Scores one sample of the reward endpoint from its label: a gold answer gets LMM-R1's format +
 * accuracy reward, a game level its verifier's reward.
 */
import type { JsonObject } from '../../envs/core/types.js';
import { gameEpisodeReward } from './game.js';
import { parseLabel } from './label.js';
import { mathSample } from './math.js';

export interface SampleScore {
  reward: number;
  /** In [0, 1], for OpenRLHF's dynamic filtering. */
  score: number;
  /** Per-sample numbers logged by the trainer (averaged there). */
  logs: Record<string, number>;
}

export function scoreSample(response: string, label: string): SampleScore {
  const parsed = parseLabel(label);
  if (parsed.kind === 'gold') return mathSample(response, parsed.answer);
  return levelSample(response, parsed.env_id, parsed.seed, parsed.options);
}

function levelSample(response: string, envId: string, seed: number, options: JsonObject): SampleScore {
  return gameEpisodeReward(response, envId, seed, options);
}
