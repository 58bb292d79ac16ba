/**
 * Scores one sample of the reward endpoint from its label, with the training rewards
 * (envs/rewards): a gold answer gets LMM-R1's format + accuracy reward; a puzzle item its
 * family verifier (as training grades it); a Sokoban level its verifier reward; any other game
 * level a whole global-protocol episode of the env. A label that cannot be graded throws
 * `RewardLabelError` (or `EnvError` for a bad level), for the route to report.
 */
import { EnvError, type JsonObject } from '../../envs/core/types.js';
import { MAX_BODY_DEPTH, nestedDeeperThan } from '../body-depth.js';
import { simulateSokoban } from '../../envs/sokoban/simulate.js';
import {
  DEFAULT_SOKOBAN_REWARD,
  gradedAnswer,
  parseRewardLabel,
  parseStrictFormat,
  RewardLabelError,
  rewardForItem,
  rewardForLabel,
  strictDirections,
  type AnswerSearch,
} from '../../envs/rewards/index.js';
import { puzzleFamily } from '../../envs/puzzles/index.js';
import type { RewardResult } from '../../envs/rewards/types.js';
import { gameEpisodeReward } from './game.js';
import { puzzleItem, sokobanLevel } from './levels.js';

export interface SampleScore {
  reward: number;
  /** In [0, 1] for OpenRLHF's dynamic filtering: 1 for a correct answer or a solved level. */
  score: number;
  /** Per-sample numbers the trainer logs (averaged there). */
  logs: Record<string, number>;
}

function logsOf(r: RewardResult, task: string): Record<string, number> {
  return { format_reward: r.format, [task]: r.task, ...r.bonuses };
}

/** Whether the answer's plan solves the level (the verifier reward does not say so directly). */
function solves(response: string, envId: string, seed: number, options: JsonObject): boolean {
  const blocks = parseStrictFormat(response);
  const moves = blocks && strictDirections(blocks.answer);
  if (!moves) return false;
  return simulateSokoban(sokobanLevel(envId, seed, options), moves.slice(0, DEFAULT_SOKOBAN_REWARD.maxActions)).solved;
}

export interface ScoreOptions {
  /** Where a math answer is found (the server's `rewardAnswerSearch`). */
  answerSearch?: AnswerSearch;
}

export function scoreSample(response: string, label: string | JsonObject, options: ScoreOptions = {}): SampleScore {
  const parsed = parseRewardLabel(label);
  if (parsed.kind === 'invalid') throw new RewardLabelError(parsed.problem);
  if (parsed.kind === 'puzzle') {
    const item = puzzleItem(parsed);
    const r = rewardForItem(item, response);
    const answer = gradedAnswer(response);
    const solved = answer !== null && puzzleFamily(item.family).check(item, answer);
    const task = item.family === 'sokoban' ? 'env_return' : 'accuracy_reward';
    return { reward: r.total, score: solved ? 1 : 0, logs: { ...logsOf(r, task), solved: solved ? 1 : 0 } };
  }
  // A label in JSON text escaped the body's depth check (see body-depth.ts).
  if (parsed.kind === 'env' && nestedDeeperThan(parsed.options, MAX_BODY_DEPTH)) {
    throw new EnvError(`options nest deeper than ${MAX_BODY_DEPTH} levels of arrays and objects`);
  }
  if (parsed.kind === 'answer') {
    const r = rewardForLabel(response, label, options.answerSearch ? { math: { answerSearch: options.answerSearch } } : {}) as RewardResult;
    return { reward: r.total, score: r.task > 0 ? 1 : 0, logs: logsOf(r, 'accuracy_reward') };
  }
  const seed = parsed.seed ?? 0;
  const r = rewardForLabel(response, label, { resolveLevel: (l) => sokobanLevel(l.env_id, seed, l.options) });
  if (r) {
    const solved = solves(response, parsed.env_id, seed, parsed.options);
    return { reward: r.total, score: solved ? 1 : 0, logs: { ...logsOf(r, 'env_return'), solved: solved ? 1 : 0 } };
  }
  return gameEpisodeReward(response, parsed.env_id, seed, parsed.options);
}
