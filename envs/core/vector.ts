/**
 * N instances stepped together, with autoreset, for training throughput. Autoreset is same-step:
 * when an instance's episode ends, its returned observation is already the next episode's first,
 * and the last one of the ended episode is in `finalObservations` (Gymnasium's classic vector API).
 */
import type { Action, Env, Info, Observation } from './types.js';

export interface VectorStepResult {
  observations: Observation[];
  rewards: Float64Array;
  terminated: boolean[];
  truncated: boolean[];
  infos: Info[];
  /** For instances whose episode ended this step: its last observation and info; else null. */
  finalObservations: (Observation | null)[];
  finalInfos: (Info | null)[];
}

export class VectorEnv {
  readonly envs: Env[];

  /** `factory(i)` builds instance i; all instances should share id and options. */
  constructor(count: number, factory: (index: number) => Env) {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`a vector env needs at least one instance, got ${count}`);
    this.envs = Array.from({ length: count }, (_, i) => factory(i));
  }

  get numEnvs(): number {
    return this.envs.length;
  }

  /** Instance i is reset with seed `seed + i`, so one seed fixes the whole batch. */
  reset(seed?: number): { observations: Observation[]; infos: Info[] } {
    const results = this.envs.map((env, i) => env.reset(seed === undefined ? {} : { seed: seed + i }));
    return { observations: results.map((r) => r.observation), infos: results.map((r) => r.info) };
  }

  step(actions: readonly Action[]): VectorStepResult {
    if (actions.length !== this.envs.length) {
      throw new RangeError(`got ${actions.length} actions for ${this.envs.length} instances`);
    }
    const n = this.envs.length;
    const out: VectorStepResult = {
      observations: new Array(n),
      rewards: new Float64Array(n),
      terminated: new Array(n),
      truncated: new Array(n),
      infos: new Array(n),
      finalObservations: new Array(n).fill(null),
      finalInfos: new Array(n).fill(null),
    };
    for (let i = 0; i < n; i++) {
      const env = this.envs[i];
      const r = env.step(actions[i]);
      out.rewards[i] = r.reward;
      out.terminated[i] = r.terminated;
      out.truncated[i] = r.truncated;
      if (r.terminated || r.truncated) {
        out.finalObservations[i] = r.observation;
        out.finalInfos[i] = r.info;
        // Without a seed, reset continues the instance's own stream: deterministic per batch seed.
        const next = env.reset();
        out.observations[i] = next.observation;
        out.infos[i] = next.info;
      } else {
        out.observations[i] = r.observation;
        out.infos[i] = r.info;
      }
    }
    return out;
  }

  close(): void {
    for (const env of this.envs) env.close();
  }
}
