/**
 * The oracle baseline: the best play the suite knows how to script. Sokoban: the solver's optimal
 * plan for the level in the observation, solved on the episode's first turn; under the global
 * protocol the whole plan in one turn, under the online protocol one move a turn (so both score
 * 100 on MageBench's scale when the plan is optimal). Football: the scripted attacker.
 *
 * A level the solver finds no plan for (beyond its budget, or unsolvable) is no reason to stop a
 * benchmark: the oracle then plays idle (noop) and says why in its decision's `note`, so that the
 * episode ends, is recorded, and is reported as such.
 */
import { DEFAULT_MAX_STATES, solveSokoban } from '../../../envs/sokoban/solver.js';
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

/** Sokoban's noop (action 0 of both action sets). */
const NOOP = 0;

export function sokobanOracleAgent(opts: OracleOptions): Agent {
  let plan: number[] | null = [];
  return {
    name: 'oracle',
    act(observation: Observation, ctx: AgentContext): AgentDecision {
      if (ctx.history.length === 0) {
        // Sokoban's raw state is `{ fixed, boxes, player, room }` (envs/sokoban/game.ts); the solver reads the first three.
        const level = observation.state as unknown as SokobanLevel;
        const result = solveSokoban(level, { maxStates: opts.maxStates });
        if (!result.solved) {
          plan = null;
          const note = `oracle: the solver found no plan for this level (${result.reason}, ${result.explored} states explored); it played idle`;
          return { action: opts.wholePlan ? [NOOP] : NOOP, note };
        }
        plan = result.plan;
      }
      if (plan === null) return { action: NOOP };
      if (opts.wholePlan) return { action: plan };
      const move = plan[ctx.history.length];
      if (move === undefined) throw new Error(`oracle: turn ${ctx.history.length + 1} is past the end of the ${plan.length}-move plan`);
      return { action: move };
    },
  };
}

/**
 * The oracle for an env id: Sokoban's solver plan (whole under `protocol: global`), Football's
 * scripted attacker. Its solver searches as far as the env's own (`solver_states`) when that is
 * beyond the solver's default, so that it finds a plan wherever the env knows the optimum.
 */
export function oracleAgent(envId: string, options: { protocol?: unknown; solver_states?: unknown } = {}): Agent {
  if (envId.startsWith('Sokoban')) {
    const envBudget = typeof options.solver_states === 'number' ? options.solver_states : 0;
    return sokobanOracleAgent({ wholePlan: options.protocol === 'global', maxStates: Math.max(DEFAULT_MAX_STATES, envBudget) });
  }
  if (envId.startsWith('Football-')) return { ...footballHeuristicAgent(), name: 'oracle' };
  throw new Error(`no oracle for ${envId}: there is one for Sokoban and Football ids`);
}
