/** The do-nothing baseline: action 0 (each game's idle or first action) every step. */
import type { Action } from '../../envs/core/types.js';
import type { Agent } from './agent.js';

export function idleAgent(action: Action = 0): Agent {
  return { name: 'idle', act: () => action };
}
