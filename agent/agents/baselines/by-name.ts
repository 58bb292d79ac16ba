/** The baseline agents the env CLI can run, by name (`npm run env -- rollout --agent NAME`). */
import type { Env } from '../../../envs/index.js';
import type { Agent } from '../agent.js';
import { footballHeuristicAgent } from './football-heuristic.js';
import { idleAgent } from './idle.js';
import { randomAgent } from './random.js';

export const AGENT_NAMES = ['heuristic', 'random', 'idle'] as const;

export function agentByName(name: string, env: Env, seed: number): Agent {
  const n = env.spaces.action.type === 'discrete' ? env.spaces.action.n : 1;
  switch (name) {
    case 'idle':
      return idleAgent();
    case 'random':
      return randomAgent(n, seed);
    case 'heuristic':
      if (!env.id.startsWith('Football-')) throw new Error(`the heuristic agent plays Football ids only, not ${env.id}`);
      return footballHeuristicAgent();
    default:
      throw new Error(`unknown agent "${name}"; choose one of ${AGENT_NAMES.join(', ')}`);
  }
}
