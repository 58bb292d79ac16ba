/** The server's settings: one typed object and its defaults. */
import { availableParallelism } from 'node:os';
import type { TinyLMM } from '../agent/model/index.js';
import type { AnswerSearch } from '../envs/rewards/config.js';

export interface ChatTemplate {
  /** Text that opens an assistant turn; the response is what follows its last occurrence. */
  assistantHeader: string;
  /** Tokens stripped from the end of a response. */
  endTokens: string[];
}

/** ChatML (Qwen, most open LMMs, and the project's TinyLMM). */
export const CHATML: ChatTemplate = {
  assistantHeader: '<|im_start|>assistant\n',
  endTokens: ['<|im_end|>', '<|endoftext|>'],
};

export const CHAT_TEMPLATES: Record<string, ChatTemplate> = {
  chatml: CHATML,
  llama3: { assistantHeader: '<|start_header_id|>assistant<|end_header_id|>\n\n', endTokens: ['<|eot_id|>', '<|end_of_text|>'] },
};

export interface ServerOptions {
  /** When set, every /v1 route needs `Authorization: Bearer <token>`. */
  token?: string;
  /** Where finished episodes are saved; replays are off without one. */
  replayDir?: string;
  /** Built viewer files served at /viewer (built on start when missing). */
  viewerDir?: string;
  maxInstances: number;
  /** Instances unused this long are closed. */
  idleTimeoutMs: number;
  /** Request body limit for every route but the reward endpoint and the batch routes. */
  bodyLimit: number;
  /** Body limit of POST /v1/reward: 256 prompts x 16 samples of long responses. */
  rewardBodyLimit: number;
  /** Body limit of the batch routes: up to `maxBatch` long model responses. */
  batchBodyLimit: number;
  /** Most items in one batch call. */
  maxBatch: number;
  /** Memory budget of one episode's replay record; longer episodes are not saved. */
  maxReplayBytes: number;
  /** Most samples in one reward call. */
  maxRewardBatch: number;
  /** Where /v1/reward finds a math answer: `answer-block` (ours) or `whole-response` (LMM-R1's). */
  rewardAnswerSearch: AnswerSearch;
  /**
   * A label that cannot be graded fails the whole /v1/reward request with a 400 (strict), instead
   * of scoring 0 and being reported in `errors` and `extra_logs.label_error` (default).
   */
  rewardStrictLabels: boolean;
  /** Worker threads that grade /v1/reward samples; 0 grades in the request thread. */
  rewardWorkers: number;
  /** A reward worker that has not answered one message in this long is terminated and replaced. */
  rewardWorkerTimeoutMs: number;
  /** URL of the module whose `gradeOne` grades reward samples (tests substitute failing ones). */
  rewardGrader?: string;
  /**
   * Start the reward workers with the server (before it listens) instead of on the first reward
   * request: the serve command does; test servers, most of which never grade, do not.
   */
  rewardWorkersAtStart?: boolean;
  chatTemplate: ChatTemplate;
  /** Models served at /v1/chat/completions by name: a checkpoint directory or a loaded model. */
  models: Readonly<Record<string, string | TinyLMM>>;
  /** Intra-op threads of the served models' sessions (default: ORT's, all cores). */
  modelThreads?: number;
  /** How long the first chat request of a batch waits for others to join it. */
  chatBatchWindowMs: number;
  /** Most rows (choices of all requests) the engine decodes in one batch. */
  chatMaxBatch: number;
  /** Most rows waiting per model; beyond it chat requests get a 503. */
  chatMaxQueuedRows: number;
  /** Body limit of POST /v1/chat/completions (images travel inline as data URLs). */
  chatBodyLimit: number;
  /** Most pixels of one image in a chat request. */
  maxImagePixels: number;
  /** Most pixels along either side of one image in a chat request. */
  maxImageSide: number;
  /** Most times one side of a chat image may be as long as the other. */
  maxImageAspect: number;
  /** Fastify's logger setting. */
  logger: boolean;
  /** Log every request (off by default: at thousands of steps a second the log is the cost). */
  logRequests: boolean;
}

/**
 * One reward worker a core but one, which the request thread keeps for HTTP, JSON and env steps;
 * at least one, at most 8 (each holds its own level cache and grader). BENCHMARKS.md, "Reward
 * workers", has the measurements behind it.
 */
export const DEFAULT_REWARD_WORKERS = Math.max(1, Math.min(8, availableParallelism() - 1));

export const DEFAULT_OPTIONS: ServerOptions = {
  maxInstances: 1024,
  idleTimeoutMs: 10 * 60_000,
  bodyLimit: 1 << 20,
  rewardBodyLimit: 256 << 20,
  batchBodyLimit: 64 << 20,
  maxBatch: 1024,
  maxReplayBytes: 4 << 20,
  maxRewardBatch: 65_536,
  rewardAnswerSearch: 'answer-block',
  rewardStrictLabels: false,
  rewardWorkers: DEFAULT_REWARD_WORKERS,
  rewardWorkerTimeoutMs: 60_000,
  chatTemplate: CHATML,
  models: {},
  chatBatchWindowMs: 10,
  chatMaxBatch: 64,
  chatMaxQueuedRows: 4096,
  chatBodyLimit: 16 << 20,
  maxImagePixels: 2048 * 2048,
  maxImageSide: 4096,
  maxImageAspect: 16,
  logger: false,
  logRequests: false,
};

export function resolveOptions(partial: Partial<ServerOptions> = {}): ServerOptions {
  return { ...DEFAULT_OPTIONS, ...partial };
}
