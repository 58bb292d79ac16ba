/**
 * One reward sample graded into a plain, cloneable outcome: the label's reward from envs/rewards
 * (which makes and caches levels and items, and plays game episodes), in OpenRLHF's terms
 * (openrlhf.ts). The same function runs in the request thread (`--reward-workers 0`) and in the
 * reward workers (server/reward/worker.ts), so that both give the same answers. It never throws:
 * a label that cannot be graded is a `labelError` (the route reports it per sample, or as a 400 in
 * strict mode) and any other exception a `failure` (the route answers a 500 naming the sample).
 */
import { EnvError, type JsonObject } from '../../envs/core/types.js';
import { parseRewardLabel, RewardLabelError, rewardForParsedLabel, type AnswerSearch } from '../../envs/rewards/index.js';
import { MAX_BODY_DEPTH, nestedDeeperThan } from '../body-depth.js';
import { openRlhfSample, type OpenRlhfSample } from './openrlhf.js';

/** One sample, its response already cut out of OpenRLHF's query (server/reward/extract.ts). */
export interface RewardTask {
  response: string;
  /** A gold answer or a level; numeric labels arrive as their text. */
  label: string | JsonObject;
}

export interface GradeSettings {
  answerSearch: AnswerSearch;
}

export type GradeOutcome = { sample: OpenRlhfSample } | { labelError: string } | { failure: string };

/** The signature a grader module exports as `gradeOne` (tests substitute failing ones). */
export type Grader = (task: RewardTask, settings: GradeSettings) => GradeOutcome;

/**
 * `grader` with its exceptions turned into failures: a substituted grader, or a bug that escapes
 * `gradeOne`'s own catch, is then a failure of that sample, not of its worker.
 */
export function guarded(grader: Grader): Grader {
  return (task, settings) => {
    try {
      return grader(task, settings);
    } catch (e) {
      return { failure: describe(e) };
    }
  };
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/**
 * The reward of one sample (envs/rewards grades it from its label) in OpenRLHF's terms. Throws
 * `RewardLabelError` for a label that cannot be graded, `EnvError` for a level the env refuses.
 */
function gradeSample(task: RewardTask, settings: GradeSettings): OpenRlhfSample {
  const label = parseRewardLabel(task.label);
  // A label in JSON text escaped the body's depth check (see body-depth.ts).
  if (label.kind === 'env' && nestedDeeperThan(label.options, MAX_BODY_DEPTH)) {
    throw new EnvError(`options nest deeper than ${MAX_BODY_DEPTH} levels of arrays and objects`);
  }
  const result = rewardForParsedLabel(task.response, label, { math: { answerSearch: settings.answerSearch } });
  return openRlhfSample(task.response, label, result);
}

export const gradeOne: Grader = (task, settings) => {
  try {
    return { sample: gradeSample(task, settings) };
  } catch (e) {
    if (e instanceof EnvError || e instanceof RewardLabelError) return { labelError: e.message };
    return { failure: describe(e) };
  }
};
