/** The prompt every puzzle item carries: reason in <think>, answer in <answer> (LMM-R1's format). */
import type { ChatMessage } from './types.js';

export const SYSTEM_PROMPT =
  'You solve problems carefully. First reason step by step inside <think> </think> tags, then ' +
  'write only the final answer inside <answer> </answer> tags, like this: ' +
  '<think> your reasoning </think><answer> your final answer </answer>';

export function chatPrompt(question: string): ChatMessage[] {
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: question },
  ];
}
