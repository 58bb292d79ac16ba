/**
 * A game level as a reward: the response is played as one whole-plan turn (the global protocol)
 * from the level's first frame, the way LMM-R1 and MageBench's Sokoban-Global score a plan.
 */
import { make } from '../../envs/core/registry.js';
import type { JsonObject } from '../../envs/core/types.js';
import type { SampleScore } from './score.js';
import { formatReward } from '../../envs/rewards/index.js';

export function gameEpisodeReward(response: string, envId: string, seed: number, options: JsonObject): SampleScore {
  // One response is the whole plan, so the global protocol unless the label chose otherwise.
  const env = make(envId, { protocol: 'global', ...options });
  try {
    env.reset({ seed });
    const r = env.step({ text: response });
    const score = typeof r.info.score === 'number' ? r.info.score : null;
    const success = r.info.success === true || r.info.solved === true;
    return {
      reward: r.reward,
      // OpenRLHF reads scores in [0, 1]: a game score is out of 100; without one, success counts.
      score: score === null ? (success ? 1 : 0) : Math.min(1, Math.max(0, score / 100)),
      logs: {
        // As Sokoban and puzzle samples log it, so a mixed batch's format_reward is not 0 for
        // well-formatted game answers (the route fills keys a sample lacks with 0).
        format_reward: formatReward(response).total,
        action_valid: r.info.action_is_valid === true ? 1 : 0,
        moves: typeof r.info.moves_executed === 'number' ? r.info.moves_executed : 0,
        success: success ? 1 : 0,
      },
    };
  } finally {
    env.close();
  }
}
