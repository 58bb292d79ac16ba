/**
 * What every reward returns: the total and its parts, so training logs can show each one, and the
 * outcome of the task it graded (solved or not, and the game's own score where there is one), so
 * that no caller simulates or grades a response again to learn it.
 */
export interface RewardResult {
  /** The scalar the RL loss uses: format + task + the sum of the bonuses. */
  total: number;
  /** The format part (0 or the format weight). */
  format: number;
  /** The task part: accuracy for answers, the env return for games. */
  task: number;
  /** Named extras (Sokoban: `action_count`, `thinking`); empty when a reward has none. */
  bonuses: Record<string, number>;
  /**
   * Whether the task was solved: the answer is correct, the plan solves the level within the moves
   * played, the game episode succeeded. Always false for the format reward, which grades no task.
   */
  success: boolean;
  /**
   * The game's own score, 0 to 100, where the task is a game that has one: MageBench's Sokoban
   * score when the level's optimal return is known, the env's `info.score` for a game episode.
   * Absent elsewhere.
   */
  score?: number;
  /** What the env reported beside its reward, for the rewards that play a whole episode (game.ts). */
  episode?: EpisodeReport;
}

export interface EpisodeReport {
  /** Whether the env took the response as a valid action. */
  actionValid: boolean;
  /** Moves the env played from the response. */
  moves: number;
}

/** A result's parts and outcome; the total is theirs to sum. */
export interface RewardParts {
  format: number;
  task: number;
  bonuses?: Record<string, number>;
  success: boolean;
  score?: number;
}

export function rewardResult({ format, task, bonuses = {}, success, score }: RewardParts): RewardResult {
  const total = format + task + Object.values(bonuses).reduce((a, b) => a + b, 0);
  return score === undefined ? { total, format, task, bonuses, success } : { total, format, task, bonuses, success, score };
}

export const ZERO_REWARD: RewardResult = Object.freeze({ total: 0, format: 0, task: 0, bonuses: Object.freeze({}), success: false }) as RewardResult;
