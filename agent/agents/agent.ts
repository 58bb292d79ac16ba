/**
 * The agent interface every policy of the suite implements, from baselines to trained models and
 * remote LMMs. Given an observation and its context (the last step's info, the turns played so far
 * for the online protocol), an agent returns a decision: an action in any form the Env contract
 * accepts (an index, a name, a list, or `{ text }`) and, for a language model, the raw text it
 * produced, its token usage and how long it took. `act` may return a promise, so that remote and
 * batched models fit the same shape as the synchronous baselines.
 */
import type { Action, Info, Observation } from '../../envs/core/types.js';

/** One turn already played in this episode: what the agent saw, what it did, what it got. */
export interface AgentTurn {
  observation: Observation;
  action: Action;
  /** The raw model text behind `action`, for language-model agents. */
  text?: string;
  reward: number;
  /** The step's info (what the env parsed from the answer, whether it played idle). */
  info?: Info;
}

export interface AgentContext {
  /** The info of the reset or of the last step. */
  info?: Info;
  /** Earlier turns of this episode, oldest first (empty on the first turn). */
  history: readonly AgentTurn[];
  /** The env id being played, for agents whose prompt depends on the game. */
  envId?: string;
  /** The episode's seed, for agents that derive per-episode randomness from it. */
  episodeSeed?: number;
}

export interface AgentDecision {
  action: Action;
  /** The raw model text, for language-model agents (kept in replays and in the history). */
  text?: string;
  usage?: { promptTokens: number; completionTokens: number };
  /** Wall time the decision took, when the agent measures it itself. */
  latencyMs?: number;
  /**
   * A remark for the record when the agent cannot play the episode as it is meant to (the oracle
   * on a level its solver finds no plan for says so, and plays idle); kept in the rollout's steps.
   */
  note?: string;
}

export interface Agent {
  readonly name: string;
  /**
   * How many episodes may call `act` at the same time (a leaderboard runs that many at once).
   * Unset means 1: the agent keeps per-episode state, or is not safe to share.
   */
  readonly concurrency?: number;
  /** Called at the start of each episode with its seed (agents with a generator reseed here). */
  reset?(seed: number): void | Promise<void>;
  act(observation: Observation, ctx: AgentContext): AgentDecision | Promise<AgentDecision>;
  /** Releases what the agent holds (model sessions, HTTP clients). */
  close?(): void | Promise<void>;
}
