/**
 * The task as an LMM reads it before the first frame (MageBench Football-Online style): what the
 * frame shows, the goal, the 16 offered actions, and the answer format. The per-turn text view
 * (text.ts) and the frame carry the rest.
 */
import { PROMPT_ACTIONS } from './actions.js';
import type { FootballOptions } from './types.js';

export function footballTaskPrompt(o: Pick<FootballOptions, 'max_steps' | 'max_actions_per_turn'>): string {
  const k = o.max_actions_per_turn;
  return [
    'You are playing a football (soccer) game seen from above. You control the player in the yellow shirt with a yellow',
    'marker above him; your teammates wear blue and your opponents red (keepers in darker shirts). The white ball casts a',
    'dark shadow: the further the ball is from its shadow, the higher it is in the air. Your team attacks the goal on the right.',
    `Each turn you see the new frame and choose ${k === 1 ? 'one action' : `up to ${k} actions, comma-separated`} from: ${PROMPT_ACTIONS.join(', ')}.`,
    'Movement, sprint and dribble continue until you change or release them. A pass goes to the teammate best placed in the',
    'direction you face (short and long passes along the ground, high passes over defenders); a shot scores more often from',
    'close, central positions away from the keeper. Dribbling protects the ball against tackles but slows you down.',
    `The episode ends on a goal, the ball going out of play, losing the ball, or after ${o.max_steps} steps. You score for`,
    'moving the ball forward, passing opponents, clean passes, good shots and above all goals.',
    'Think step by step inside <think></think>, then give your action inside <answer></answer>.',
  ].join('\n');
}
