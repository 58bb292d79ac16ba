// What sampling (sampling.ts) and response log-probs (logprobs.ts) need of a model: its config and
// tokenizer, turning prompts into checked rows and feeds, and leasing its sessions. TinyLMM
// implements it; the two functions take this instead of the class, so the class does not depend on
// them and they depend on no more of it than they use.
import type { EngineSession, HostTensor } from '../engine/index.js';
import type { ChatMessage } from './chat.js';
import type { ModelConfig } from './config.js';
import type { RGBAImage } from './image.js';
import type { PromptGroups } from './prompt-groups.js';
import type { Tokenizer } from './tokenizer.js';

export interface FloatTensor {
  data: Float32Array;
  dims: number[];
}

export interface PreparedPrompts {
  inputIds: number[][];
  pixelValues?: Float32Array;
}

/** One use of a cached session: call `release()` when done with it (a finally block), exactly as often as leased. */
export interface SessionLease {
  readonly session: Promise<EngineSession>;
  /** Ends this use (a second call does nothing); the last user of a stale session frees it. */
  release(): void;
}

export interface Decoder {
  readonly config: ModelConfig;
  readonly tokenizer: Tokenizer;
  /** Several prompts to model inputs: token rows and, if any prompt has an image, pixel values. */
  prepare(prompts: ReadonlyArray<string | readonly ChatMessage[]>, images?: ReadonlyArray<RGBAImage | null>): PreparedPrompts;
  /** Rejects rows the graphs cannot take, with a message saying why (too long, bad image tokens). */
  checkRows(rows: readonly (readonly number[])[], hasPixels: boolean): void;
  /** Whether a batch runs the vision tower: only when pixels come with it. */
  usesVision(pixelValues: Float32Array | undefined): boolean;
  /** Parameters as float32 feeds. */
  paramFeeds(): Record<string, HostTensor>;
  /** pixel_values feed of a batch: the given pixels, or zeros for text-only batches. */
  pixelFeed(batch: number, pixelValues: Float32Array | undefined): Record<string, HostTensor>;
  /** Leases a decode session (prefill with or without vision / step); `bake` puts the current weights in as initializers. */
  decodeSession(past: boolean, bake: boolean, vision?: boolean): SessionLease;
  /** Log-probs (G N, T-1) of the continuation rows of prompt groups (+ the values where each token is chosen, when asked). */
  groupedLogprobs(groups: PromptGroups, o?: { pixelValues?: Float32Array; values?: boolean }): Promise<{ logprobs: FloatTensor; values?: FloatTensor }>;
}
