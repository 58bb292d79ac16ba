/** The shape of a text puzzle item and of a puzzle family. */
import type { JsonObject } from '../core/types.js';
import type { Rng } from '../core/rng.js';

/** A part of a multimodal message, as OpenAI-style chat APIs (and LMM-R1's data) write it. */
export type ContentPart = { type: 'text'; text: string } | { type: 'image'; image: string };

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | ContentPart[];
}

export interface PuzzleItem {
  /** `${family}-d${difficulty}-${seed}-${index}`: unique within a dataset, stable across runs. */
  id: string;
  family: string;
  /** 1 (easiest) to 5. */
  difficulty: number;
  /** System prompt (think, then answer) and the question. */
  prompt: ChatMessage[];
  /** The gold answer, as text (a reduced fraction, an expression, a move list...). */
  answer: string;
  /** What the family's verifier and the reward need beyond the text (numbers, target, level...). */
  meta: JsonObject;
}

/** What a family generates for one item; the dataset adds id, difficulty and the system prompt. */
export interface Generated {
  question: string;
  answer: string;
  meta: JsonObject;
}

export interface PuzzleFamily {
  name: string;
  description: string;
  /** Builds one item at a difficulty (1-5) from a generator dedicated to that item. */
  generate(rng: Rng, difficulty: number): Generated;
  /**
   * Whether `answer` (the final answer text, already taken out of `<answer>` and `\boxed{}`)
   * solves the item. Never throws.
   */
  check(item: PuzzleItem, answer: string): boolean;
}
