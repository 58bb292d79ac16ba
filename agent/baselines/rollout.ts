/**
 * One episode of an agent in an env, as data: per-step records (action, reward, end flags, info)
 * and, on request, the frames. Pure apart from the env and agent it drives; the CLI, calibration
 * and tests all use it.
 */
import type { Action, Env, Info, RgbaImage } from '../../envs/core/types.js';
import type { Agent } from './agent.js';

export interface StepRecord {
  action: Action;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Info;
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

export function rolloutEpisode(env: Env, agent: Agent, seed: number, opts: RolloutOptions = {}): Rollout {
  agent.reset?.(seed);
  const first = env.reset({ seed });
  let observation = first.observation;
  let info: Info = first.info;
  const frames: RgbaImage[] | undefined = opts.frames ? [observation.image] : undefined;
  const steps: StepRecord[] = [];
  let total = 0;
  let score: number | null = null;
  const cap = opts.maxSteps ?? 100_000;
  while (steps.length < cap) {
    const action = agent.act(observation, info);
    const r = env.step(action);
    steps.push({ action, reward: r.reward, terminated: r.terminated, truncated: r.truncated, info: r.info });
    total += r.reward;
    observation = r.observation;
    info = r.info;
    frames?.push(observation.image);
    if (r.terminated || r.truncated) {
      if (typeof r.info.score === 'number') score = r.info.score;
      break;
    }
  }
  return { seed, agent: agent.name, steps, return: total, length: steps.length, score, ...(frames ? { frames } : {}) };
}
