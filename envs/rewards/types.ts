/** What every reward returns: the total and its parts, so training logs can show each one. */
export interface RewardResult {
  /** The scalar the RL loss uses: format + task + the sum of the bonuses. */
  total: number;
  /** The format part (0 or the format weight). */
  format: number;
  /** The task part: accuracy for answers, the env return for games. */
  task: number;
  /** Named extras (Sokoban: `action_count`, `thinking`); empty when a reward has none. */
  bonuses: Record<string, number>;
}

export function rewardResult(format: number, task: number, bonuses: Record<string, number> = {}): RewardResult {
  const total = format + task + Object.values(bonuses).reduce((a, b) => a + b, 0);
  return { total, format, task, bonuses };
}

export const ZERO_REWARD: RewardResult = Object.freeze({ total: 0, format: 0, task: 0, bonuses: Object.freeze({}) }) as RewardResult;
