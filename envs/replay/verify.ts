/**
 * `verifyReplay` re-simulates a replay from its seed and actions through the registry and checks
 * that the env gives the same record: per step the parsed actions, validity, reward, the
 * terminal flags and the info entries; at the end the score, return, length and success. A replay
 * without steps is no finished episode and does not verify. The report names the first step that
 * differs, so a tampered or stale replay says where it went wrong.
 */
import { make } from '../core/registry.js';
import type { Env, Info, JsonObject } from '../core/types.js';
import type { Replay, ReplayStep } from './schema.js';
import { resultOf, stepAction, toReplayStep } from './steps.js';

/** Rewards are sums of the same float operations, but a replay may pass through other tools. */
const REWARD_TOLERANCE = 1e-9;

export interface Mismatch {
  /** Index of the first step that differs; -1 for the episode's setup or result. */
  step: number;
  field: string;
  recorded: unknown;
  simulated: unknown;
}

export interface VerifyReport {
  ok: boolean;
  steps_checked: number;
  /** The simulated score (null when the env reports none or simulation failed early). */
  score: number | null;
  mismatch: Mismatch | null;
  /** One line for people: "ok" or what differs where. */
  message: string;
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= REWARD_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Equal as JSON values, numbers within the reward tolerance. */
function sameJson(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return close(a, b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  const ka = Object.keys(a);
  const ob = b as Record<string, unknown>;
  return ka.length === Object.keys(ob).length && ka.every((k) => Object.hasOwn(ob, k) && sameJson((a as Record<string, unknown>)[k], ob[k]));
}

/** The first info entry that differs (the viewer shows info, e.g. the score, beside each frame). */
function infoMismatch(recorded: Record<string, unknown>, simulated: Record<string, unknown>): Omit<Mismatch, 'step'> | null {
  // The simulated info as it reads after a JSON round trip (undefined dropped, NaN as null).
  const sim = JSON.parse(JSON.stringify(simulated)) as Record<string, unknown>;
  for (const key of new Set([...Object.keys(sim), ...Object.keys(recorded)])) {
    if (!sameJson(recorded[key], sim[key])) return { field: `info.${key}`, recorded: recorded[key] ?? null, simulated: sim[key] ?? null };
  }
  return null;
}

function compareStep(recorded: ReplayStep, simulated: ReplayStep): Omit<Mismatch, 'step'> | null {
  if (!sameList(recorded.parsed_actions, simulated.parsed_actions)) {
    return { field: 'parsed_actions', recorded: recorded.parsed_actions, simulated: simulated.parsed_actions };
  }
  if (recorded.valid !== simulated.valid) return { field: 'valid', recorded: recorded.valid, simulated: simulated.valid };
  if (!close(recorded.reward, simulated.reward)) return { field: 'reward', recorded: recorded.reward, simulated: simulated.reward };
  if (recorded.terminated !== simulated.terminated) {
    return { field: 'terminated', recorded: recorded.terminated, simulated: simulated.terminated };
  }
  if (recorded.truncated !== simulated.truncated) {
    return { field: 'truncated', recorded: recorded.truncated, simulated: simulated.truncated };
  }
  return infoMismatch(recorded.info, simulated.info);
}

function fail(checked: number, score: number | null, m: Mismatch): VerifyReport {
  const where = m.step < 0 ? 'episode' : `step ${m.step}`;
  const message = `${where}: ${m.field} recorded ${JSON.stringify(m.recorded)}, simulated ${JSON.stringify(m.simulated)}`;
  return { ok: false, steps_checked: checked, score, mismatch: m, message };
}

/** Re-simulates `replay` (already schema-checked, see `parseReplay`); never throws. */
export function verifyReplay(replay: Replay): VerifyReport {
  let env: Env;
  try {
    // Options came from JSON, so they are JSON; the schema types them loosely.
    env = make(replay.env_id, replay.options as JsonObject);
    env.reset({ seed: replay.seed });
  } catch (e) {
    return fail(0, null, { step: -1, field: 'env', recorded: replay.env_id, simulated: (e as Error).message });
  }
  if (replay.steps.length === 0) {
    env.close();
    return fail(0, null, { step: -1, field: 'steps', recorded: 'no steps', simulated: 'an episode of at least one step' });
  }
  let t = 0;
  try {
    const simulated: ReplayStep[] = [];
    let lastInfo: Info = {};
    for (; t < replay.steps.length; t++) {
      const recorded = replay.steps[t];
      if (t > 0 && (simulated[t - 1].terminated || simulated[t - 1].truncated)) {
        return fail(t, null, { step: t, field: 'step after episode end', recorded: 'a step', simulated: 'episode already over' });
      }
      const action = stepAction(recorded);
      const result = env.step(action);
      const step = toReplayStep(action, result, env);
      simulated.push(step);
      lastInfo = result.info;
      const diff = compareStep(recorded, step);
      if (diff) return fail(t + 1, null, { step: t, ...diff });
    }
    const result = resultOf(simulated, lastInfo);
    const checked = simulated.length;
    const last = simulated[checked - 1];
    if (!last.terminated && !last.truncated) {
      return fail(checked, result.score, { step: checked - 1, field: 'episode end', recorded: 'ended', simulated: 'still running' });
    }
    const rec = replay.result;
    const scoreSame = rec.score === null || result.score === null ? rec.score === result.score : close(rec.score, result.score);
    if (!scoreSame) return fail(checked, result.score, { step: -1, field: 'result.score', recorded: rec.score, simulated: result.score });
    if (!close(rec.return, result.return)) {
      return fail(checked, result.score, { step: -1, field: 'result.return', recorded: rec.return, simulated: result.return });
    }
    if (rec.length !== result.length) {
      return fail(checked, result.score, { step: -1, field: 'result.length', recorded: rec.length, simulated: result.length });
    }
    if (rec.success !== result.success) {
      return fail(checked, result.score, { step: -1, field: 'result.success', recorded: rec.success, simulated: result.success });
    }
    return { ok: true, steps_checked: checked, score: result.score, mismatch: null, message: 'ok' };
  } catch (e) {
    // The env refused a recorded turn: that turn is where the replay goes wrong.
    return fail(t, null, { step: t, field: 'simulation', recorded: null, simulated: (e as Error).message });
  } finally {
    env.close();
  }
}
