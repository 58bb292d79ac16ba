/**
 * The env checker: one function a contract, each failing with a message that names the contract
 * it found broken; `checkEnv` runs them all. Used over every registered id in the tests, and on
 * any new env before it is trusted with training.
 */
import { makeRng } from './rng.js';
import { make } from './registry.js';
import { isJson, spaceViolation } from './spaces.js';
import type { Action, Env, Observation, StepResult } from './types.js';

export class EnvCheckError extends Error {
  constructor(contract: string, detail: string) {
    super(`${contract}: ${detail}`);
    this.name = 'EnvCheckError';
  }
}

export interface CheckOptions {
  /** Builds a second, fresh instance of the same env (default: `make(env.id, env.options)`). */
  make?: () => Env;
  seed?: number;
  /** Random steps taken per episode check. */
  steps?: number;
}

/** A comparable snapshot of an observation: text, state JSON and the frame's bytes. */
function snapshot(obs: Observation): string {
  const img = obs.image;
  let hash = 2166136261;
  for (let i = 0; i < img.data.length; i++) hash = Math.imul(hash ^ img.data[i], 16777619);
  return JSON.stringify({ text: obs.text, state: obs.state, w: img.width, h: img.height, hash: hash >>> 0 });
}

function stepSnapshot(r: StepResult): string {
  return JSON.stringify({ o: snapshot(r.observation), r: r.reward, te: r.terminated, tr: r.truncated, i: r.info });
}

/** A seeded random episode of structured actions, ending early if the episode does. */
function randomEpisode(env: Env, seed: number, steps: number): string[] {
  const n = env.spaces.action.type === 'discrete' ? env.spaces.action.n : 1;
  const rng = makeRng(`check/${seed}`);
  const trace = [snapshot(env.reset({ seed }).observation)];
  for (let t = 0; t < steps; t++) {
    const r = env.step(rng.int(n));
    trace.push(stepSnapshot(r));
    if (r.terminated || r.truncated) break;
  }
  return trace;
}

export function checkSpaces(env: Env): void {
  if (env.spaces.action.type !== 'discrete' || env.spaces.action.n < 1) {
    throw new EnvCheckError('action space', 'expected a non-empty discrete space');
  }
  if (!isJson(env.spaces)) throw new EnvCheckError('spaces', 'spaces must be plain JSON');
  if (!isJson(env.options)) throw new EnvCheckError('options', 'options must be plain JSON');
}

export function checkResetDeterminism(env: Env, seed: number): void {
  const a = env.reset({ seed });
  const b = env.reset({ seed });
  if (snapshot(a.observation) !== snapshot(b.observation)) {
    throw new EnvCheckError('reset determinism', `reset({ seed: ${seed} }) twice gave different observations`);
  }
  if (JSON.stringify(a.info) !== JSON.stringify(b.info)) {
    throw new EnvCheckError('reset determinism', `reset({ seed: ${seed} }) twice gave different info`);
  }
}

export function checkSeedStream(env: Env, other: Env, seed: number): void {
  env.reset({ seed });
  other.reset({ seed });
  for (let i = 0; i < 3; i++) {
    if (snapshot(env.reset().observation) !== snapshot(other.reset().observation)) {
      throw new EnvCheckError('seed stream', `two instances reset with seed ${seed} differ after ${i + 1} unseeded reset(s)`);
    }
  }
}

export function checkStepDeterminism(env: Env, other: Env, seed: number, steps: number): void {
  const a = randomEpisode(env, seed, steps);
  const b = randomEpisode(other, seed, steps);
  const at = a.findIndex((s, i) => s !== b[i]);
  if (at >= 0 || a.length !== b.length) {
    throw new EnvCheckError('step determinism', `same seed and actions diverge at step ${at >= 0 ? at : Math.min(a.length, b.length)}`);
  }
}

export function checkNoAliasing(env: Env, seed: number): void {
  // An observation read only after a later step must still show its own step: this catches a
  // game that mutates its previous state even though observations are computed lazily.
  const unread = env.reset({ seed }).observation;
  env.step(0);
  const first = env.reset({ seed }).observation;
  if (snapshot(unread) !== snapshot(first)) throw new EnvCheckError('observation copies', 'a step changed the state behind an earlier observation');
  const before = snapshot(first);
  const image = first.image;
  const copy = new Uint8ClampedArray(image.data);
  env.step(0);
  if (snapshot(first) !== before) throw new EnvCheckError('observation copies', 'an observation changed after a later step');
  // Scribbling on a returned frame must not reach the env's later frames.
  image.data.fill(7);
  const again = env.reset({ seed }).observation.image.data;
  if (again.length !== copy.length || again.some((v, i) => v !== copy[i])) {
    throw new EnvCheckError('observation copies', 'writing into a returned frame changed a later frame');
  }
  const state = first.state;
  const stateBefore = JSON.stringify(state);
  scribble(state);
  if (JSON.stringify(env.reset({ seed }).observation.state) !== stateBefore) {
    throw new EnvCheckError('observation copies', 'writing into a returned state changed the env');
  }
}

/**
 * Overwrites everything inside a JSON value with null, nested values first: a state that shares
 * a nested array with the env (a level's walls, say) must not let a client rewrite the game.
 * Frozen parts cannot be written and are safe, so a refused write is skipped.
 */
function scribble(value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    scribble(obj[key]);
    try {
      obj[key] = null;
    } catch {
      // frozen
    }
  }
}

export function checkContainment(env: Env, seed: number, steps: number): void {
  const n = env.spaces.action.type === 'discrete' ? env.spaces.action.n : 1;
  const rng = makeRng(`contain/${seed}`);
  const reset = env.reset({ seed });
  let err = spaceViolation(env.spaces.observation, reset.observation, 'observation');
  if (err) throw new EnvCheckError('observation space', `after reset: ${err}`);
  if (!isJson(reset.info)) throw new EnvCheckError('info', 'reset info is not plain JSON');
  for (let t = 0; t < steps; t++) {
    const action: Action = rng.int(n);
    const r = env.step(action);
    err = spaceViolation(env.spaces.observation, r.observation, 'observation');
    if (err) throw new EnvCheckError('observation space', `step ${t}: ${err}`);
    if (typeof r.reward !== 'number' || !Number.isFinite(r.reward)) throw new EnvCheckError('reward', `step ${t}: reward ${r.reward} is not a finite number`);
    if (typeof r.terminated !== 'boolean' || typeof r.truncated !== 'boolean') throw new EnvCheckError('episode end', `step ${t}: terminated/truncated are not booleans`);
    if (!isJson(r.info)) throw new EnvCheckError('info', `step ${t}: info is not plain JSON`);
    if (r.info.action_is_valid !== true) throw new EnvCheckError('actions', `step ${t}: in-space action ${action} reported invalid`);
    if (r.terminated || r.truncated) {
      let threw = false;
      try {
        env.step(0);
      } catch {
        threw = true;
      }
      if (!threw) throw new EnvCheckError('episode end', 'step() after the episode ended did not fail');
      return;
    }
  }
}

export function checkInvalidActions(env: Env, seed: number): void {
  env.reset({ seed });
  // Names of Object's members too: an alias table must not answer for what it inherits.
  const bad: Action[] = [-1, 1e9, 'no-such-action', 'constructor', '__proto__', { text: '<answer>xyzzy</answer>' }, { text: '<answer>constructor</answer>' }];
  for (const action of bad) {
    let r: StepResult;
    try {
      r = env.step(action);
    } catch (e) {
      throw new EnvCheckError('invalid actions', `step(${JSON.stringify(action)}) threw: ${(e as Error).message}`);
    }
    if (r.info.action_is_valid !== false) throw new EnvCheckError('invalid actions', `step(${JSON.stringify(action)}) not reported invalid`);
    if (r.terminated || r.truncated) env.reset({ seed });
  }
}

export function checkRenders(env: Env, seed: number): void {
  const obs = env.reset({ seed }).observation;
  const rgb = env.render('rgb');
  const frame = obs.image;
  const same = rgb.width === frame.width && rgb.height === frame.height && rgb.data.length === frame.data.length;
  if (!same || rgb.data.some((v, i) => v !== frame.data[i])) {
    throw new EnvCheckError('render', "render('rgb') differs from the observation's frame");
  }
  const png = env.render('png');
  if (!(png instanceof Uint8Array) || png[0] !== 0x89 || png[1] !== 0x50) throw new EnvCheckError('render', "render('png') is not PNG bytes");
  if (env.render('text') !== obs.text) throw new EnvCheckError('render', "render('text') differs from the observation's text");
}

export function checkEnv(env: Env, opts: CheckOptions = {}): void {
  const seed = opts.seed ?? 123;
  const steps = opts.steps ?? 60;
  const fresh = opts.make ?? (() => make(env.id, env.options));
  checkSpaces(env);
  checkResetDeterminism(env, seed);
  checkSeedStream(env, fresh(), seed);
  checkStepDeterminism(env, fresh(), seed, steps);
  checkNoAliasing(env, seed);
  checkContainment(env, seed, steps);
  checkInvalidActions(env, seed);
  checkRenders(env, seed);
}
