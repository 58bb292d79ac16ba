/**
 * N instances stepped together, with autoreset, for training throughput.
 *
 * Autoreset modes, Gymnasium 1.x's names:
 * - `next-step` (the default, Gymnasium 1.x's): the step that ends an instance's episode returns
 *   that episode's last observation, flags and info; the instance's next step ignores its action,
 *   resets it and returns the new episode's first observation with reward 0, both flags false and
 *   the reset's info.
 * - `same-step` (Gymnasium's classic vector API): the step that ends an episode already returns the
 *   next episode's first observation and reset info; the last ones of the ended episode are in
 *   `finalObservations` / `finalInfos`.
 */
import { EnvError, type Action, type Env, type Info, type JsonObject, type Observation } from './types.js';

export type AutoresetMode = 'next-step' | 'same-step';
export const AUTORESET_MODES: readonly AutoresetMode[] = ['next-step', 'same-step'];

export interface VectorEnvOptions {
  /** Default `next-step`, as Gymnasium 1.x. */
  autoresetMode?: AutoresetMode;
}

export interface VectorResetArgs {
  /** Instance i gets `seed + i`, or `seed[i]` for a list (one per instance); absent continues each stream. */
  seed?: number | readonly number[] | null;
  options?: JsonObject;
}

export interface VectorStepResult {
  observations: Observation[];
  rewards: Float64Array;
  terminated: boolean[];
  truncated: boolean[];
  infos: Info[];
  /**
   * Same-step mode: for instances whose episode ended this step, its last observation and info;
   * else null. Always null in next-step mode, where the step itself returns them.
   */
  finalObservations: (Observation | null)[];
  finalInfos: (Info | null)[];
}

export class VectorEnv {
  readonly envs: Env[];
  readonly autoresetMode: AutoresetMode;
  /** Next-step mode: instances whose episode ended on the last step, reset on their next one. */
  private readonly pending: boolean[];

  /** `factory(i)` builds instance i; all instances should share id and options. */
  constructor(count: number, factory: (index: number) => Env, options: VectorEnvOptions = {}) {
    if (!Number.isInteger(count) || count < 1) throw new EnvError(`a vector env needs a whole number of instances, at least 1, got ${String(count)}`);
    if (typeof factory !== 'function') throw new EnvError(`a vector env needs a factory function (index) => Env, got ${typeof factory}`);
    const mode = options.autoresetMode ?? 'next-step';
    if (!AUTORESET_MODES.includes(mode)) {
      throw new EnvError(`autoresetMode must be one of ${AUTORESET_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
    }
    this.autoresetMode = mode;
    this.envs = Array.from({ length: count }, (_, i) => factory(i));
    this.pending = new Array<boolean>(count).fill(false);
  }

  get numEnvs(): number {
    return this.envs.length;
  }

  /**
   * Resets every instance, like `env.reset({ seed, options })`: instance i is reset with seed
   * `seed + i` (so one seed fixes the whole batch) or `seed[i]`. A bare number is still taken as
   * the seed, as before `reset({ seed })` existed.
   */
  reset(args: VectorResetArgs | number | null = {}): { observations: Observation[]; infos: Info[] } {
    const { seed, options } = this.readResetArgs(args);
    const results = this.envs.map((env, i) => {
      const s = seed === null ? undefined : typeof seed === 'number' ? seed + i : seed[i];
      return env.reset({ ...(s === undefined ? {} : { seed: s }), ...(options ? { options } : {}) });
    });
    this.pending.fill(false);
    return { observations: results.map((r) => r.observation), infos: results.map((r) => r.info) };
  }

  step(actions: readonly Action[]): VectorStepResult {
    if (!Array.isArray(actions)) throw new EnvError(`step takes a list of ${this.envs.length} actions, one per instance, got ${typeof actions}`);
    if (actions.length !== this.envs.length) {
      throw new EnvError(`got ${actions.length} actions for ${this.envs.length} instances`);
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
    const sameStep = this.autoresetMode === 'same-step';
    for (let i = 0; i < n; i++) {
      const env = this.envs[i];
      if (this.pending[i]) {
        // Next-step autoreset: this step is the reset; the action is not played.
        this.pending[i] = false;
        const next = env.reset();
        out.observations[i] = next.observation;
        out.infos[i] = next.info;
        out.terminated[i] = false;
        out.truncated[i] = false;
        continue;
      }
      const r = env.step(actions[i]);
      out.rewards[i] = r.reward;
      out.terminated[i] = r.terminated;
      out.truncated[i] = r.truncated;
      const ended = r.terminated || r.truncated;
      if (ended && sameStep) {
        out.finalObservations[i] = r.observation;
        out.finalInfos[i] = r.info;
        // Without a seed, reset continues the instance's own stream: deterministic per batch seed.
        const next = env.reset();
        out.observations[i] = next.observation;
        out.infos[i] = next.info;
      } else {
        if (ended) this.pending[i] = true;
        out.observations[i] = r.observation;
        out.infos[i] = r.info;
      }
    }
    return out;
  }

  close(): void {
    for (const env of this.envs) env.close();
  }

  private readResetArgs(args: VectorResetArgs | number | null): { seed: number | readonly number[] | null; options?: JsonObject } {
    if (args === null || args === undefined) return { seed: null };
    if (typeof args === 'number') return { seed: this.checkSeed(args, 'seed') };
    if (typeof args !== 'object' || Array.isArray(args)) {
      throw new EnvError(`reset takes { seed, options } (seed: an integer or a list of ${this.envs.length}), got ${JSON.stringify(args) ?? typeof args}`);
    }
    const unknown = Object.keys(args).filter((k) => k !== 'seed' && k !== 'options');
    if (unknown.length > 0) throw new EnvError(`reset takes { seed, options }; unknown ${unknown.join(', ')}`);
    const seed = args.seed;
    if (seed === undefined || seed === null) return { seed: null, options: args.options };
    if (Array.isArray(seed)) {
      if (seed.length !== this.envs.length) throw new EnvError(`reset got ${seed.length} seeds for ${this.envs.length} instances`);
      return { seed: seed.map((s, i) => this.checkSeed(s, `seed[${i}]`)), options: args.options };
    }
    return { seed: this.checkSeed(seed as number, 'seed'), options: args.options };
  }

  /** Seeds are non-negative safe integers, as Gymnasium requires; `seed + i` must stay one too. */
  private checkSeed(seed: unknown, what: string): number {
    const last = typeof seed === 'number' ? seed + (what === 'seed' ? this.envs.length - 1 : 0) : NaN;
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0 || !Number.isSafeInteger(last)) {
      throw new EnvError(`${what} must be a non-negative integer, got ${JSON.stringify(seed) ?? String(seed)}`);
    }
    return seed;
  }
}
