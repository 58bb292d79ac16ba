/** The do-nothing baseline: action 0 (each game's idle or first action) every step. */
import type { Action } from '../../../envs/core/types.js';
import type { Agent } from '../agent.js';

export function idleAgent(action: Action = 0): Agent {
  // Stateless, so any number of episodes may share it.
  return { name: 'idle', concurrency: Infinity, act: () => ({ action }) };
}
