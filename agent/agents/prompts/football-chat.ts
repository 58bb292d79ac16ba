/**
 * Football for general LMMs, in the style of MageBench's Football prompt (our wording): you control
 * the marked player of the left team, attacking the goal on the right; the action list; one action
 * a turn, after which the game runs on and a new frame comes.
 */
import { PROMPT_ACTIONS } from '../../../envs/football/actions.js';
import type { ChatPrompt } from './chat-prompt.js';

const SYSTEM = [
  'You are playing a football game seen from above. You control one player of the left team: the one marked in the frame, usually the one with the ball.',
  "Your team attacks the goal on the right edge of the pitch; the other team defends it and tries to win the ball. Score a goal, and don't lose the ball or kick it out of play.",
  `Actions: ${PROMPT_ACTIONS.join(', ')}. Directions are as seen in the frame (top is up). A direction keeps you running until you choose another; sprint and dribble stay on until released.`,
  'Each turn you choose exactly one action; the game then runs on and you see the new frame.',
  'Think about where your player, the ball, your teammates and the defenders are inside <think> </think>, then give the one action inside <answer> </answer>, for example <answer>right</answer>.',
].join('\n');

export const FOOTBALL_CHAT_PROMPT: ChatPrompt = {
  system: () => SYSTEM,
  turn: (observation) => `The situation:\n${observation.text}\nWhat is your action?`,
};
