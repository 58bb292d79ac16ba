/**
 * A reward result (envs/rewards) in OpenRLHF's terms: per sample, the `reward` the trainer
 * optimises, a `score` in [0, 1] for its dynamic filtering (its protocol's name; not the 0-100
 * game score of `RewardResult.score`), and the numbers it logs. Which log keys a sample carries
 * depends on how its label was graded:
 *
 * - a gold answer: `format_reward`, `accuracy_reward`; score 1 when correct;
 * - a puzzle item: `format_reward`, `accuracy_reward` (text Sokoban: `env_return` and the
 *   verifier's bonuses), `solved`; score 1 when solved;
 * - a Sokoban level: `format_reward`, `env_return`, `action_count`, `thinking`, `solved`;
 * - another game's episode: `format_reward` (the format check, which the episode does not pay),
 *   `action_valid`, `moves`, `success`; score the game score / 100, or success where it has none.
 */
import { formatReward, type RewardLabel, type RewardResult } from '../../envs/rewards/index.js';

export interface OpenRlhfSample {
  reward: number;
  /** In [0, 1] for OpenRLHF's dynamic filtering: 1 for a correct answer or a solved level. */
  score: number;
  /** Per-sample numbers the trainer logs (averaged there). */
  logs: Record<string, number>;
}

function partLogs(r: RewardResult, task: string): Record<string, number> {
  return { format_reward: r.format, [task]: r.task, ...r.bonuses };
}

/** `result`, the reward of `response` for `label`, as OpenRLHF reads it. */
export function openRlhfSample(response: string, label: RewardLabel, result: RewardResult): OpenRlhfSample {
  const solved = result.success ? 1 : 0;
  if (result.episode) {
    return {
      reward: result.total,
      // A game score is out of 100; without one, success counts.
      score: result.score === undefined ? solved : Math.min(1, Math.max(0, result.score / 100)),
      logs: {
        // As Sokoban and puzzle samples log it, so a mixed batch's format_reward is not 0 for
        // well-formatted game answers (the route fills keys a sample lacks with 0).
        format_reward: formatReward(response).total,
        action_valid: result.episode.actionValid ? 1 : 0,
        moves: result.episode.moves,
        success: solved,
      },
    };
  }
  if (label.kind === 'answer') return { reward: result.total, score: solved, logs: partLogs(result, 'accuracy_reward') };
  const task = label.kind === 'puzzle' && label.family !== 'sokoban' ? 'accuracy_reward' : 'env_return';
  return { reward: result.total, score: solved, logs: { ...partLogs(result, task), solved } };
}
