/**
 * Reading actions out of an LMM response. Tolerant by design: an env must play whatever a model
 * writes, so unknown tokens are reported, never thrown. (The strict format check that training
 * rewards need lives in training/rewards.)
 */
import type { Protocol } from './types.js';

export interface AnswerProtocol {
  mode: Protocol;
  /** Canonical action names, lower case. */
  actions: readonly string[];
  /** Other spellings, lower case, mapped to a canonical name (e.g. "move up" -> "up"). */
  aliases?: Readonly<Record<string, string>>;
  /** Most moves taken from one answer: 50 for the global protocol, K a turn for online. */
  maxActions: number;
}

export interface ParsedAnswer {
  /** Whether an `<answer>...</answer>` block was found; without one the whole text is read. */
  answer_found: boolean;
  /** The text the actions were read from. */
  answer: string;
  /** Canonical names of the recognised actions, in order, at most `maxActions`. */
  actions: string[];
  /** Tokens that name no action, as written. */
  invalid_actions: string[];
  /** Recognised actions beyond `maxActions`, dropped. */
  dropped: number;
  /** True when every token was an action and at least one was given. */
  action_is_valid: boolean;
}

const ANSWER_BLOCK = /<answer>([\s\S]*?)<\/answer>/gi;

/** The content of the last `<answer>` block, or null. */
export function extractAnswer(text: string): string | null {
  let last: string | null = null;
  for (const m of text.matchAll(ANSWER_BLOCK)) last = m[1];
  return last;
}

/** Normalises one token: case, surrounding quotes, brackets and punctuation. */
function cleanToken(token: string): string {
  return token
    .trim()
    .toLowerCase()
    .replace(/^[\s"'`*[\](){}.:;-]+|[\s"'`*[\](){}.:;!?-]+$/g, '')
    .replace(/\s+/g, ' ');
}

export function parseAnswer(text: string, protocol: AnswerProtocol): ParsedAnswer {
  const inner = extractAnswer(text);
  const body = inner ?? text.replace(/<think>[\s\S]*?<\/think>/gi, '');
  const names = new Set(protocol.actions);
  const actions: string[] = [];
  const invalid: string[] = [];
  let dropped = 0;
  // Commas separate actions; newlines too, since models list one move a line.
  for (const raw of body.split(/[,\n]/)) {
    const token = cleanToken(raw);
    if (token === '') continue;
    const name = names.has(token) ? token : protocol.aliases?.[token];
    if (name === undefined) {
      invalid.push(raw.trim());
    } else if (actions.length < protocol.maxActions) {
      actions.push(name);
    } else {
      dropped++;
    }
  }
  return {
    answer_found: inner !== null,
    answer: body.trim(),
    actions,
    invalid_actions: invalid,
    dropped,
    action_is_valid: invalid.length === 0 && actions.length > 0,
  };
}
