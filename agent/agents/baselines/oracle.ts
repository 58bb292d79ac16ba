/**
 * The oracle baseline: the best play the suite knows how to script. Sokoban: the solver's optimal
 * plan for the level in the observation, solved on the episode's first turn; under the global
 * protocol the whole plan in one turn, under the online protocol one move a turn (so both score
 * 100 on MageBench's scale when the plan is optimal). Football: the scripted attacker.
 */
import { solveSokoban } from '../../../envs/sokoban/solver.js';
import type { SokobanLevel } from '../../../envs/sokoban/types.js';
import type { Observation } from '../../../envs/core/types.js';
import type { Agent, AgentContext, AgentDecision } from '../agent.js';
import { footballHeuristicAgent } from './football-heuristic.js';

export interface OracleOptions {
  /** Play the whole plan as one action (the global protocol) instead of one move a turn. */
  wholePlan: boolean;
  /** Solver state budget. */
  maxStates?: number;
}

export function sokobanOracleAgent(opts: OracleOptions): Agent {
  let plan: number[] = [];
  return {
    name: 'oracle',
    act(observation: Observation, ctx: AgentContext): AgentDecision {
      if (ctx.history.length === 0) {
        // Sokoban's raw state is `{ fixed, boxes, player, room }` (envs/sokoban/game.ts); the solver reads the first three.
        const level = observation.state as unknown as SokobanLevel;
        const result = solveSokoban(level, { maxStates: opts.maxStates });
        if (!result.solved) throw new Error(`oracle: the solver found no plan for this level (${result.reason} after ${result.explored} states)`);
        plan = result.plan;
      }
      if (opts.wholePlan) return { action: plan };
      const move = plan[ctx.history.length];
      if (move === undefined) throw new Error(`oracle: turn ${ctx.history.length + 1} is past the end of the ${plan.length}-move plan`);
      return { action: move };
    },
  };
}

/** The oracle for an env id: Sokoban's solver plan (whole under `protocol: global`), Football's scripted attacker. */
export function oracleAgent(envId: string, options: { protocol?: unknown } = {}): Agent {
  if (envId.startsWith('Sokoban')) return sokobanOracleAgent({ wholePlan: options.protocol === 'global' });
  if (envId.startsWith('Football-')) return { ...footballHeuristicAgent(), name: 'oracle' };
  throw new Error(`no oracle for ${envId}: there is one for Sokoban and Football ids`);
}
