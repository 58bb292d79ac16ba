/**
 * The compact Sokoban prompt TinyLMM checkpoints were trained on (agent/agents/prompts/sokoban.ts), as a
 * chat prompt for the OpenAI-compatible agent: no system message, the text board as the whole
 * turn. A checkpoint served by this suite's /v1/chat/completions has a 512-token context, which
 * the general chat prompt (rules, answer format, board, frame) overflows, and it answers well
 * only to the prompt it learned. Send it without frames (`images: false`) and without past turns
 * (`historyTurns: 0`): the checkpoint saw one text board a question.
 */
import type { SokobanLevel } from '../../../envs/sokoban/types.js';
import type { ChatPrompt } from './chat-prompt.js';
import { sokobanTextPrompt } from './sokoban.js';

export const TINYLMM_SOKOBAN_CHAT_PROMPT: ChatPrompt = {
  system: () => '',
  turn: (observation, ctx) => {
    if (!ctx.envId?.startsWith('Sokoban')) throw new Error(`the TinyLMM chat prompt covers Sokoban only, not ${ctx.envId ?? 'this env'}`);
    // Sokoban's raw state carries the level (`fixed`, `boxes`, `player`), which is all the prompt reads.
    const [message] = sokobanTextPrompt(observation.state as unknown as SokobanLevel);
    if (typeof message.content !== 'string') throw new Error('the TinyLMM Sokoban text prompt is expected to be a single text message');
    return message.content;
  },
};
