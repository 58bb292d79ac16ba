/** The server's settings, one typed object with the defaults the issue asks for. */

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
  chatTemplate: ChatTemplate;
  /** Fastify's logger setting. */
  logger: boolean;
  /** Log every request (off by default: at thousands of steps a second the log is the cost). */
  logRequests: boolean;
}

export const DEFAULT_OPTIONS: ServerOptions = {
  maxInstances: 1024,
  idleTimeoutMs: 10 * 60_000,
  bodyLimit: 1 << 20,
  rewardBodyLimit: 256 << 20,
  batchBodyLimit: 64 << 20,
  maxBatch: 1024,
  maxReplayBytes: 4 << 20,
  maxRewardBatch: 65_536,
  chatTemplate: CHATML,
  logger: false,
  logRequests: false,
};

export function resolveOptions(partial: Partial<ServerOptions> = {}): ServerOptions {
  return { ...DEFAULT_OPTIONS, ...partial };
}
