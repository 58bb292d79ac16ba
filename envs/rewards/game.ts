/**
 * A game level as a reward: the response is played as one whole-plan turn (the global protocol)
 * from the level's first frame, the way LMM-R1 and MageBench's Sokoban-Global grade a plan. The
 * env's reward is the whole reward (the task part); `success` and `score` are the env's own.
 */
// Game labels make envs by id: every game registers on import (a worker thread starts with none).
import '../browser.js';
import { make } from '../core/registry.js';
import type { JsonObject } from '../core/types.js';
import { rewardResult, type RewardResult } from './types.js';

export function gameEpisodeReward(response: string, envId: string, seed: number, options: JsonObject): RewardResult {
  // One response is the whole plan, so the global protocol unless the label chose otherwise.
  const env = make(envId, { protocol: 'global', ...options });
  try {
    env.reset({ seed });
    const r = env.step({ text: response });
    const result = rewardResult({
      format: 0,
      task: r.reward,
      success: r.info.success === true || r.info.solved === true,
      score: typeof r.info.score === 'number' ? r.info.score : undefined,
    });
    return {
      ...result,
      episode: {
        actionValid: r.info.action_is_valid === true,
        moves: typeof r.info.moves_executed === 'number' ? r.info.moves_executed : 0,
      },
    };
  } finally {
    env.close();
  }
}
