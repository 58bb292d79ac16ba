/**
 * The shape of a prompt for general LMMs behind a chat API (the OpenAI-compatible agent): a system
 * message with the game's rules and answer format, and the text that goes beside each turn's
 * frame. The wording for each game lives beside it (sokoban-chat.ts, football-chat.ts); the compact
 * prompts that TinyLMM checkpoints were trained on are another matter (agent/agents/prompts/sokoban.ts,
 * training/tasks), since a checkpoint depends on its prompt byte for byte.
 */
import type { Observation, Protocol } from '../../../envs/core/types.js';

export interface ChatPromptContext {
  envId?: string;
  protocol: Protocol;
  /** Moves one answer may hold under the online protocol (the env's `max_actions_per_turn`). */
  movesPerTurn: number;
}

export interface ChatPrompt {
  system(ctx: ChatPromptContext): string;
  /** The text beside a turn's frame: the text observation and what to answer. */
  turn(observation: Observation, ctx: ChatPromptContext): string;
}

/** For envs without wording of their own: the observation and the tag format. */
export const GENERIC_CHAT_PROMPT: ChatPrompt = {
  system: (ctx) =>
    `You are playing ${ctx.envId ?? 'a game'}. Reason step by step inside <think> </think>, then give ` +
    (ctx.protocol === 'global' ? 'your whole plan as a comma-separated list of actions' : `your next action${ctx.movesPerTurn > 1 ? ` (up to ${ctx.movesPerTurn}, comma-separated)` : ''}`) +
    ' inside <answer> </answer>.',
  turn: (observation) => `The current state:\n${observation.text}`,
};
