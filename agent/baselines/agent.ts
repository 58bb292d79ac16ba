/**
 * The agent interface every policy of the suite implements, from baselines to trained models and
 * remote LMMs: given an observation (and the last step's info), return an action in any form the
 * Env contract accepts (an index, a name, a list, or `{ text }`).
 */
import type { Action, Info, Observation } from '../../envs/core/types.js';

export interface Agent {
  readonly name: string;
  /** Called at the start of each episode with its seed (agents with a generator reseed here). */
  reset?(seed: number): void;
  act(observation: Observation, info?: Info): Action;
}
