/**
 * The final answer of a response, for puzzle verification: the last `<answer>` block (or the whole
 * text when there is none, since verification is about correctness, not format), then the last
 * `\boxed{}` inside it when present. Format strictness is the rewards' job (envs/rewards).
 */
import { extractLastBoxed } from './math/latex.js';
import { lastTagBlock } from './tags.js';

export function finalAnswer(response: string): string {
  const inner = lastTagBlock(response, 'answer') ?? response;
  return (extractLastBoxed(inner) ?? inner).trim();
}
