/** Baseline agents behind the one `Agent` interface, and rollouts of them. */
export type { Agent, AgentContext, AgentDecision, AgentTurn } from './agent.js';
export { idleAgent } from './idle.js';
export { randomAgent } from './random.js';
export { footballHeuristicAgent, octant as footballOctant } from './football-heuristic.js';
export { rolloutEpisode, rolloutEpisodeSync, type Rollout, type RolloutOptions, type StepRecord } from './rollout.js';
