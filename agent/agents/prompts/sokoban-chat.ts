/**
 * Sokoban for general LMMs, in the style of LMM-R1's Sokoban prompt (our wording): the rules of
 * pushing, the board as a frame and as text, reasoning in <think>, and under the global protocol
 * the whole plan as `Left, Right, Up, Down` moves inside <answer>.
 */
import type { ChatPrompt, ChatPromptContext } from './chat-prompt.js';

const RULES = [
  'You are solving a Sokoban puzzle. The board is a grid of walls, floor, targets, boxes and you, the player.',
  'Each move takes you one cell Up, Down, Left or Right. Walking into a box pushes it one cell further the same way,',
  'but only if that cell is floor or a target: you cannot push a box into a wall or into another box, and you can never pull a box.',
  'The puzzle is solved when every box stands on a target. A box pushed into a corner that is not a target can never be moved out again.',
].join(' ');

function answerFormat(ctx: ChatPromptContext): string {
  if (ctx.protocol === 'global') {
    return 'Think about where you, the boxes and the targets are and plan the pushes inside <think> </think>. Then give the whole plan, every move in order, as a comma-separated list inside <answer> </answer>, for example <answer>Left, Up, Up, Right</answer>.';
  }
  const k = ctx.movesPerTurn;
  return `You play in turns and see the new board after each one. Think inside <think> </think>, then give ${k > 1 ? `your next moves (at most ${k}, comma-separated)` : 'your next move'} inside <answer> </answer>, for example <answer>Up</answer>.`;
}

export const SOKOBAN_CHAT_PROMPT: ChatPrompt = {
  system: (ctx) => `${RULES}\n${answerFormat(ctx)}`,
  turn: (observation, ctx) =>
    `The board as text (one character a cell; the legend follows the grid):\n${observation.text}\n` +
    (ctx.protocol === 'global' ? 'What is your plan?' : 'What is your next move?'),
};
