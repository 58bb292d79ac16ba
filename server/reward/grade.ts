/**
 * One reward sample graded into a plain, cloneable outcome: the same function runs in the request
 * thread (`--reward-workers 0`) and in the reward workers (server/reward/worker.ts), so that both
 * give the same answers. It never throws: a label that cannot be graded is a `labelError` (the
 * route reports it per sample, or as a 400 in strict mode) and any other exception a `failure`
 * (the route answers a 500 naming the sample).
 */
// The env registry: a worker thread starts empty, and game labels make envs by id.
import '../../envs/index.js';
import { EnvError, type JsonObject } from '../../envs/core/types.js';
import type { AnswerSearch } from '../../envs/rewards/config.js';
import { RewardLabelError } from '../../envs/rewards/dispatch.js';
import { scoreSample, type SampleScore } from './score.js';

/** One sample, its response already cut out of OpenRLHF's query (server/reward/extract.ts). */
export interface RewardTask {
  response: string;
  /** A gold answer or a level; numeric labels arrive as their text. */
  label: string | JsonObject;
}

export interface GradeSettings {
  answerSearch: AnswerSearch;
}

export type GradeOutcome = { score: SampleScore } | { labelError: string } | { failure: string };

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

export const gradeOne: Grader = (task, settings) => {
  try {
    return { score: scoreSample(task.response, task.label, { answerSearch: settings.answerSearch }) };
  } catch (e) {
    if (e instanceof EnvError || e instanceof RewardLabelError) return { labelError: e.message };
    return { failure: describe(e) };
  }
};
