/**
 * One episode of an agent in an env, as data: per-step records (action, reward, end flags, info,
 * the model's text and usage) and, on request, the frames. Pure apart from the env and agent it
 * drives; the CLI, calibration, the leaderboard and tests all use it.
 *
 * `rolloutEpisode` awaits the agent (any agent); `rolloutEpisodeSync` is for callers that need a
 * result without a promise and drives only agents whose `reset` and `act` return plain values.
 */
import type { Action, Env, Info, Observation, RgbaImage } from '../../envs/core/types.js';
import type { Agent, AgentDecision, AgentTurn } from './agent.js';

export interface StepRecord {
  action: Action;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Info;
  text?: string;
  usage?: { promptTokens: number; completionTokens: number };
  /** Wall time of the agent's decision: its own figure when it reports one, else measured here. */
  latencyMs: number;
  /** The agent's remark on this decision (`AgentDecision.note`), when it made one. */
  note?: string;
}

export interface Rollout {
  seed: number;
  agent: string;
  steps: StepRecord[];
  return: number;
  length: number;
  /** `info.score` of the last step, when the env reports one. */
  score: number | null;
  /** The reset frame then one per step, when `frames` was asked for. */
  frames?: RgbaImage[];
}

export interface RolloutOptions {
  frames?: boolean;
  /** A safety cap on steps, beyond the env's own limit. */
  maxSteps?: number;
}

/** The state of one episode between decisions, shared by the async and sync drivers. */
class Episode {
  readonly steps: StepRecord[] = [];
  readonly history: AgentTurn[] = [];
  readonly frames: RgbaImage[] | undefined;
  observation: Observation;
  info: Info;
  total = 0;
  score: number | null = null;
  done = false;

  constructor(
    private readonly env: Env,
    private readonly agentName: string,
    private readonly seed: number,
    private readonly opts: RolloutOptions,
  ) {
    const first = env.reset({ seed });
    this.observation = first.observation;
    this.info = first.info;
    this.frames = opts.frames ? [first.observation.image] : undefined;
  }

  get running(): boolean {
    return !this.done && this.steps.length < (this.opts.maxSteps ?? 100_000);
  }

  context() {
    return { info: this.info, history: this.history, envId: this.env.id, episodeSeed: this.seed };
  }

  apply(decision: AgentDecision, measuredMs: number): void {
    const { action, text, usage } = decision;
    const r = this.env.step(action);
    this.steps.push({
      action,
      reward: r.reward,
      terminated: r.terminated,
      truncated: r.truncated,
      info: r.info,
      ...(text !== undefined ? { text } : {}),
      ...(usage ? { usage } : {}),
      latencyMs: decision.latencyMs ?? measuredMs,
      ...(decision.note !== undefined ? { note: decision.note } : {}),
    });
    this.history.push({ observation: this.observation, action, reward: r.reward, info: r.info, ...(text !== undefined ? { text } : {}) });
    this.total += r.reward;
    this.observation = r.observation;
    this.info = r.info;
    this.frames?.push(r.observation.image);
    if (r.terminated || r.truncated) {
      if (typeof r.info.score === 'number') this.score = r.info.score;
      this.done = true;
    }
  }

  result(): Rollout {
    const { steps, frames } = this;
    return { seed: this.seed, agent: this.agentName, steps, return: this.total, length: steps.length, score: this.score, ...(frames ? { frames } : {}) };
  }
}

export async function rolloutEpisode(env: Env, agent: Agent, seed: number, opts: RolloutOptions = {}): Promise<Rollout> {
  await agent.reset?.(seed);
  const ep = new Episode(env, agent.name, seed, opts);
  while (ep.running) {
    const started = performance.now();
    const decision = await agent.act(ep.observation, ep.context());
    ep.apply(decision, performance.now() - started);
  }
  return ep.result();
}

function isPromise(x: unknown): x is PromiseLike<unknown> {
  return typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function';
}

/** The same episode as `rolloutEpisode`, without a promise; an agent that returns one is an error. */
export function rolloutEpisodeSync(env: Env, agent: Agent, seed: number, opts: RolloutOptions = {}): Rollout {
  const notSync = () => new Error(`agent "${agent.name}" is asynchronous; use rolloutEpisode, which awaits it`);
  if (isPromise(agent.reset?.(seed))) throw notSync();
  const ep = new Episode(env, agent.name, seed, opts);
  while (ep.running) {
    const started = performance.now();
    const decision = agent.act(ep.observation, ep.context());
    if (isPromise(decision)) throw notSync();
    ep.apply(decision, performance.now() - started);
  }
  return ep.result();
}
