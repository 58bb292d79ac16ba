/**
 * LMM-R1's Sokoban verifier, as a reward:
 *
 * 1. 0 in every part when the format check fails or any comma-separated answer token is not one
 *    of left/right/up/down (case-insensitive).
 * 2. Env part: the best cumulative env reward over the prefixes of the first 50 moves, the empty
 *    prefix included, so never below 0 (gym-sokoban rewards, via `simulateSokoban`).
 * 3. Format part: 0.5.
 * 4. Action-count bonus: 0.05·n for n < 20 moves, else 1 - 0.2·((n-20)/30)²; when a run of 1 to 5
 *    words repeats back to back more than 7 times, min(0, bonus - 0.2).
 * 5. Thinking bonus: 0.001 per whitespace-separated word longer than one character inside
 *    `<think>`, at most 0.2.
 *
 * The same simulation says whether the plan solves the level within the moves played (`success`)
 * and, given the level's optimal return, MageBench's score of the plan (`score`).
 */
import { parseBoxoban, simulateSokoban, sokobanScore, type SokobanLevel } from '../sokoban/index.js';
import { DEFAULT_SOKOBAN_REWARD, type SokobanRewardConfig } from './config.js';
import { parseStrictFormat } from './format.js';
import { rewardResult, ZERO_REWARD, type RewardResult } from './types.js';

const DIRECTIONS = new Set(['left', 'right', 'up', 'down']);

/** Lower-case directions of an answer, or null when any token is not a direction (or none). */
export function strictDirections(answer: string): string[] | null {
  const tokens = answer.split(',').map((t) => t.trim().toLowerCase());
  return tokens.every((t) => DIRECTIONS.has(t)) ? tokens : null;
}

/**
 * Whether some run of 1..maxWords words occurs more than `limit` times back to back. For a period
 * k, `run` counts consecutive positions equal to the word k earlier; r back-to-back copies of a
 * k-word run give a stretch of (r - 1)·k such positions, so r > limit once run >= limit·k.
 */
export function hasRepeatedRun(words: readonly string[], maxWords: number, limit: number): boolean {
  for (let k = 1; k <= maxWords; k++) {
    let run = 0;
    for (let i = k; i < words.length; i++) {
      run = words[i] === words[i - k] ? run + 1 : 0;
      if (run >= limit * k) return true;
    }
  }
  return false;
}

export function actionCountBonus(moves: readonly string[], c: SokobanRewardConfig = DEFAULT_SOKOBAN_REWARD): number {
  const n = moves.length;
  const bonus = n < c.knee ? c.perAction * n : 1 - c.falloff * ((n - c.knee) / c.falloffSpan) ** 2;
  return hasRepeatedRun(moves, c.repeatMaxWords, c.repeatLimit) ? Math.min(0, bonus - c.repeatPenalty) : bonus;
}

export function thinkingBonus(think: string, c: SokobanRewardConfig = DEFAULT_SOKOBAN_REWARD): number {
  let words = 0;
  for (const w of think.split(/\s+/)) if ([...w].length > 1) words++;
  return Math.min(c.thinkingCap, c.thinkingPerWord * words);
}

/** A level given as a Sokoban state (`{ fixed, boxes, player }`) or as Boxoban text. */
export type SokobanRewardLevel = SokobanLevel | string;

/** The verifier's reward, and whether it played the answer (false: refused before any move). */
export interface SokobanVerdict {
  reward: RewardResult;
  played: boolean;
}

/**
 * `sokobanReward`, saying too whether the answer was played: a caller that grades the answer its
 * own way when the verifier refuses it (dispatch.ts, text Sokoban items) needs to know.
 */
export function verifySokoban(response: string, level: SokobanRewardLevel, config: Partial<SokobanRewardConfig> = {}, optimalReturn?: number): SokobanVerdict {
  const c = { ...DEFAULT_SOKOBAN_REWARD, ...config };
  // A refused answer plays no move: its best return is the empty prefix's, 0.
  const refused = (): SokobanVerdict => ({
    reward: optimalReturn === undefined ? { ...ZERO_REWARD, bonuses: {} } : { ...ZERO_REWARD, bonuses: {}, score: sokobanScore(0, optimalReturn) },
    played: false,
  });
  const blocks = parseStrictFormat(response);
  if (blocks === null) return refused();
  const moves = strictDirections(blocks.answer);
  if (moves === null) return refused();
  const start = typeof level === 'string' ? parseBoxoban(level) : level;
  const sim = simulateSokoban(start, moves.slice(0, c.maxActions));
  const reward = rewardResult({
    format: c.format,
    task: Math.max(0, sim.bestReturn),
    bonuses: { action_count: actionCountBonus(moves, c), thinking: thinkingBonus(blocks.think, c) },
    success: sim.solved,
    score: optimalReturn === undefined ? undefined : sokobanScore(sim.bestReturn, optimalReturn),
  });
  return { reward, played: true };
}

/**
 * LMM-R1's Sokoban verifier reward of a whole-plan answer. `success`: the first `maxActions` moves
 * solve the level. `score`: with the level's optimal return, MageBench's
 * `sokobanScore(bestReturn, optimalReturn)` of those moves (a refused answer plays none: best
 * return 0); without it, absent.
 */
export function sokobanReward(response: string, level: SokobanRewardLevel, config: Partial<SokobanRewardConfig> = {}, optimalReturn?: number): RewardResult {
  return verifySokoban(response, level, config, optimalReturn).reward;
}
