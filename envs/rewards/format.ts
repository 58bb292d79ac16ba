/**
 * The strict format check of LMM-R1's rewards: the whole response (surrounding whitespace aside)
 * is `<think>...</think><answer>...</answer>`, with exactly one of each of the four tags and only
 * whitespace between the two blocks. Plain index scans, linear in the response length.
 */
import { countOccurrences } from '../puzzles/tags.js';
import { DEFAULT_MATH_REWARD } from './config.js';
import { rewardResult, type RewardResult } from './types.js';

const THINK_OPEN = '<think>';
const THINK_CLOSE = '</think>';
const ANSWER_OPEN = '<answer>';
const ANSWER_CLOSE = '</answer>';

export interface FormattedResponse {
  think: string;
  answer: string;
}

/** The two blocks of a well-formed response, or null when the format is broken in any way. */
export function parseStrictFormat(response: string): FormattedResponse | null {
  const s = response.trim();
  if (!s.startsWith(THINK_OPEN) || !s.endsWith(ANSWER_CLOSE)) return null;
  for (const tag of [THINK_OPEN, THINK_CLOSE, ANSWER_OPEN, ANSWER_CLOSE]) {
    if (countOccurrences(s, tag) !== 1) return null;
  }
  const thinkEnd = s.indexOf(THINK_CLOSE);
  const answerStart = s.indexOf(ANSWER_OPEN);
  if (answerStart < thinkEnd + THINK_CLOSE.length) return null;
  if (s.slice(thinkEnd + THINK_CLOSE.length, answerStart).trim() !== '') return null;
  return {
    think: s.slice(THINK_OPEN.length, thinkEnd),
    answer: s.slice(answerStart + ANSWER_OPEN.length, s.length - ANSWER_CLOSE.length),
  };
}

/**
 * `weight` (0.5) for a well-formed response, else 0; the whole amount is the `format` part. It
 * grades no task, so `success` is false.
 */
export function formatReward(response: string, weight = DEFAULT_MATH_REWARD.format): RewardResult {
  return rewardResult({ format: parseStrictFormat(response) ? weight : 0, task: 0, success: false });
}
