// The one contract between the tasks and what trains or measures on them (the RL loop, the warm
// start, the evaluation). A task is one of two kinds:
//
//   items     single-turn: one prompt (a puzzle, a Sokoban board as text or as a frame), one answer,
//             graded by the item's own rule-based reward; each prompt sampled n times (a group);
//   episodes  multi-turn (Football, online protocol): whole episodes played from a frame a turn, one
//             Sample a turn, a turn's reward known only once its episode has ended.
//
// Both kinds share one rollout signature and one reward call, so the RL loop never asks which it has.
import type { ChatMessage, TinyLMM } from '../../agent/model/index.js';
import type { Env } from '../../envs/index.js';
import type { RewardResult } from '../../envs/rewards/index.js';

/** The stop strings every answer ends with. */
export const ANSWER_STOP = ['</answer>'];

export interface SamplingConfig {
  temperature: number;
  topP: number;
  maxNewTokens: number;
}

/** One prompt with its reward: what a group of samples answers, what evaluation grades. */
export interface PromptItem {
  /** Task name, e.g. `sokoban-text-6x6-1`, `countdown-d1`. */
  task: string;
  /** A hash of the content (level, numbers): held-out sets are disjoint from training by it. */
  key: string;
  prompt: ChatMessage[];
  /** A solver-written response (reasoning in <think>, answer in <answer>) for supervised warm starts. */
  trace: string;
  /** The rule-based reward of an answer (envs/rewards): reward, parts, success, game score. */
  reward(response: string): RewardResult;
}

/** One sampled answer, as the RL update needs it; its reward is the task's `reward(sample)`. */
export interface Sample {
  /** Index of the group in the rollout; samples of a group are contiguous and comparable. */
  group: number;
  item: PromptItem;
  promptIds: number[];
  /**
   * The prompt's frame, preprocessed once at sampling (3 x S x S), or null for text. Samples of one
   * prompt share one array: the update runs a prompt once for the samples that share its frame.
   */
  pixels: Float32Array | null;
  /** The sampled tokens, the stop token or string included. */
  response: number[];
  text: string;
  /** log p of each response token under the sampling policy (temperature 1). */
  logprobs: number[];
  truncated: boolean;
  /** For an episode task: the episode this turn belongs to and the turn's index in it. */
  turn?: { episode: EpisodeRecord; index: number };
}

export interface RolloutTiming {
  samplingMs: number;
  /** Time in the environments (episode tasks) while playing; items have none. */
  envMs: number;
  tokens: number;
}

export interface Rollout {
  samples: Sample[];
  timing: RolloutTiming;
}

/**
 * What one step asks of a task: `groups` groups of `n` samples (prompts x samples, or starts x
 * episodes), all a pure function of (seed, stage, slot), so a resumed stage replays its steps.
 */
export interface RolloutRequest {
  groups: number;
  n: number;
  sampling: SamplingConfig;
  seed: number;
  stage: string;
  slot: number;
  /** Content keys no training item may have (the evaluation's). */
  heldOut: ReadonlySet<string>;
  /**
   * Item tasks: asked of each item drawn, in slot order; true skips it and draws the next slot in
   * its place (the RL loop's difficulty filter). It must say true only a bounded number of times.
   * Episode tasks ignore it.
   */
  skip?: (item: PromptItem) => boolean;
}

interface TaskBase {
  readonly name: string;
  /** Whether its prompts hold a frame. */
  readonly vision: boolean;
  rollout(model: TinyLMM, req: RolloutRequest): Promise<Rollout>;
  reward(sample: Sample): RewardResult;
}

/** A stream of items: item `i` of seed `s` is always the same. */
export interface ItemTask extends TaskBase {
  readonly kind: 'items';
  item(seed: number, index: number): PromptItem;
}

/** A multi-turn task, played whole: training rolls episodes out, evaluation plays them greedily. */
export interface EpisodeTask extends TaskBase {
  readonly kind: 'episodes';
  readonly vision: true;
  /** One episode per env seed, every live episode's turn in one batch. */
  play(model: TinyLMM, envSeeds: readonly number[], o: PlayOptions): Promise<PlayResult>;
}

export type Task = ItemTask | EpisodeTask;

export interface TurnRecord {
  item: PromptItem;
  promptIds: number[];
  pixels: Float32Array | null;
  tokens: number[];
  text: string;
  logprobs: number[];
  truncated: boolean;
  /** Format reward of the answer. */
  format: number;
  /** The env's reward of the turn (all its frames). */
  envReward: number;
}

export interface EpisodeRecord {
  envSeed: number;
  turns: TurnRecord[];
  /** Whether the episode reached its goal (what success counts). */
  goal: boolean;
  /** The game score on its own scale (MageBench's, 0-100 for Football: the env return x 20). */
  score: number;
  envReturn: number;
}

export interface PlayOptions {
  greedy: boolean;
  sampling: SamplingConfig;
  /** Sampling seed of the run; each turn's batch adds `/turn<t>`. */
  seed: string;
  /** Most rows one generate call takes (default: all live episodes). */
  batchSize?: number;
  /** Wraps each episode's env (e.g. in a ReplayRecorder). */
  wrap?: (env: Env, episode: number) => Env;
}

export interface PlayResult {
  episodes: EpisodeRecord[];
  samplingMs: number;
  envMs: number;
  tokens: number;
}
