// What the stages train on and the evaluation measures: single-turn prompt items (a puzzle, a
// Sokoban level from text or from its frame) and multi-turn episode tasks (Football, online).
// One item is one prompt with its rule-based scorer and, for the warm start, a solver-written trace.
import type { ChatMessage, TinyLMM } from '../../agent/index.js';
import type { RolloutTiming, Sample, SamplingConfig } from '../rl/rollout.js';

export interface Scored {
  /** The scalar reward RL maximises. */
  reward: number;
  /** Its parts (format, task, bonuses), logged separately. */
  parts: Record<string, number>;
  /** Whether the task was solved (accuracy, level solved): what pass@k counts. */
  success: boolean;
  /** A task score on the task's own scale when it has one (MageBench's Sokoban score). */
  score?: number;
}

export interface PromptItem {
  /** Task name, e.g. `sokoban-text-6x6-1`, `countdown-3`. */
  task: string;
  /** A hash of the content (level, numbers): held-out sets are disjoint from training by it. */
  key: string;
  prompt: ChatMessage[];
  /** A solver-written response (reasoning in <think>, answer in <answer>) for supervised warm starts. */
  trace: string;
  score(response: string): Scored;
}

/** A stream of items of one kind: item `i` of seed `s` is always the same. */
export interface ItemSource {
  readonly task: string;
  /** Whether its prompts hold a frame. */
  readonly vision: boolean;
  item(seed: number, index: number): PromptItem;
}

/**
 * A multi-turn task (Football, online protocol): the rollout plays whole episodes and returns one
 * Sample per turn, grouped so that a group's samples are comparable (contiguous in the array).
 * `groups` start states x `n` episodes each, all a function of (seed, slot).
 */
export interface EpisodeSource {
  readonly task: string;
  readonly vision: true;
  readonly kind: 'episodes';
  rollout(model: TinyLMM, groups: number, n: number, sampling: SamplingConfig, seed: number, slot: number): Promise<{ samples: Sample[]; timing: RolloutTiming }>;
}

/** What an RL stage cycles through: prompt items or episodes. */
export type RlSource = ItemSource | EpisodeSource;

export function isEpisodeSource(s: RlSource): s is EpisodeSource {
  return 'kind' in s && s.kind === 'episodes';
}
