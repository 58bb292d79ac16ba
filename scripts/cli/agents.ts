/** The baseline agents the CLI can run, by name. */
import { footballHeuristicAgent } from '../../agent/baselines/football-heuristic.js';
import { idleAgent } from '../../agent/baselines/idle.js';
import { randomAgent } from '../../agent/baselines/random.js';
import type { Agent } from '../../agent/baselines/agent.js';
import type { Env } from '../../envs/index.js';

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
