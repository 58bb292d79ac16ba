/**
 * How one env step becomes a replay step, shared by the recorder and the verifier so that both
 * read results the same way (a replay verifies exactly when re-simulation gives the same record).
 */
import { isTextAction, type Action, type Env, type Info, type JsonObject, type StepResult } from '../core/types.js';
import { REPLAY_LIMITS, type ReplayResult, type ReplayStep } from './schema.js';

/** Info entries longer than this (as JSON) are left out of replays: replays stay small. */
const MAX_INFO_ENTRY_CHARS = 512;
/** Stored elsewhere in the step, so not repeated in its info. */
const STORED_APART = new Set(['parsed_actions']);

export function infoSubset(info: Info): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(info)) {
    if (STORED_APART.has(key) || value === undefined) continue;
    // Numbers and flags are the common case and always small: no need to serialize them.
    if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
      out[key] = value;
      continue;
    }
    // Short lists of numbers (step_rewards) are common too, and small by construction.
    if (Array.isArray(value) && value.length <= 64 && value.every((v) => typeof v === 'number')) {
      out[key] = value;
      continue;
    }
    const json = typeof value === 'string' ? value : JSON.stringify(value);
    if (json !== undefined && json.length <= MAX_INFO_ENTRY_CHARS) out[key] = value;
  }
  return out;
}

/** The canonical move names a turn was read as: the env's own parse for text, else the names. */
export function parsedActions(action: Action, info: Info, env: Env): string[] {
  if (Array.isArray(info.parsed_actions)) return info.parsed_actions.map(String);
  const names = env.spaces.action.type === 'discrete' ? env.spaces.action.names ?? [] : [];
  const items = (Array.isArray(action) ? action : [action]) as unknown[];
  const out: string[] = [];
  for (const item of items) {
    if (typeof item === 'number' && Number.isInteger(item) && item >= 0 && item < names.length) out.push(names[item]);
    // Cut to the schema's bound: lower-casing can lengthen a string ("İ" becomes two units).
    else if (typeof item === 'string') out.push(item.trim().toLowerCase().slice(0, REPLAY_LIMITS.nameChars));
  }
  return out;
}

/** The action to feed the env to replay `step`. */
export function stepAction(step: ReplayStep): Action {
  if (step.text !== null) return { text: step.text };
  return step.action ?? [];
}

export function toReplayStep(action: Action, result: StepResult, env: Env): ReplayStep {
  const text = isTextAction(action) ? String(action.text) : null;
  const structured = text === null ? (Array.isArray(action) ? [...action] : (action as number | string)) : null;
  return {
    text,
    action: structured,
    parsed_actions: parsedActions(action, result.info, env),
    valid: result.info.action_is_valid !== false,
    reward: result.reward,
    terminated: result.terminated,
    truncated: result.truncated,
    info: infoSubset(result.info),
  };
}

/**
 * Whether the episode was a success: the env's own `success` (or `solved`) flag when it reports
 * one; without one, a game ended by its own rules rather than by the time limit.
 */
export function successOf(info: Info, terminated: boolean): boolean {
  if (typeof info.success === 'boolean') return info.success;
  if (typeof info.solved === 'boolean') return info.solved;
  return terminated;
}

export function resultOf(steps: readonly ReplayStep[], last: Info): ReplayResult {
  const final = steps[steps.length - 1];
  return {
    score: typeof last.score === 'number' ? last.score : null,
    success: final ? successOf(last, final.terminated) : false,
    return: steps.reduce((sum, s) => sum + s.reward, 0),
    // Env moves, as the env counts them (a global-protocol turn runs many moves).
    length: typeof last.episode_length === 'number' ? last.episode_length : steps.length,
  };
}
