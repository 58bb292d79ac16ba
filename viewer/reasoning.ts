/** Splits a model response into its reasoning (`<think>`) and its answer (`<answer>`). */
import { extractAnswer } from '../envs/core/answer.js';

export function splitResponse(text: string | null): { reasoning: string; answer: string } {
  if (text === null) return { reasoning: '', answer: '' };
  const thinks = [...text.matchAll(/<think>([\s\S]*?)(<\/think>|$)/gi)].map((m) => m[1].trim());
  const answer = extractAnswer(text);
  if (thinks.length === 0 && answer === null) return { reasoning: '', answer: text.trim() };
  return { reasoning: thinks.join('\n\n'), answer: (answer ?? '').trim() };
}
