/**
 * Checking untrusted replay JSON (uploads, dropped files, files on disk) against the schema, with an
 * error that names the first field at fault, so a broken file says what is broken.
 */
import { Value } from '@sinclair/typebox/value';
import { REPLAY_VERSION, ReplaySchema, type Replay } from './schema.js';

export class ReplayFormatError extends Error {
  /** JSON pointer of the field at fault, e.g. `/steps/3/reward`; '' for the whole record. */
  readonly path: string;
  constructor(path: string, message: string) {
    super(path ? `replay${path.replace(/\//g, '.')}: ${message}` : `replay: ${message}`);
    this.name = 'ReplayFormatError';
    this.path = path;
  }
}

/** Returns `value` typed as a Replay, or throws ReplayFormatError naming the first bad field. */
export function parseReplay(value: unknown): Replay {
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (e) {
      throw new ReplayFormatError('', `not JSON (${(e as Error).message})`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ReplayFormatError('', 'expected a JSON object');
  }
  const version = (value as { version?: unknown }).version;
  if (version !== REPLAY_VERSION) {
    throw new ReplayFormatError('/version', `unsupported version ${JSON.stringify(version)}; this reader knows ${REPLAY_VERSION}`);
  }
  if (!Value.Check(ReplaySchema, value)) {
    const first = Value.Errors(ReplaySchema, value).First();
    throw new ReplayFormatError(first?.path ?? '', first?.message ?? 'does not match the replay schema');
  }
  // JSON.parse never yields NaN or Infinity, but an object built in code might.
  const bad = value.steps.findIndex((s) => !Number.isFinite(s.reward));
  if (bad >= 0) throw new ReplayFormatError(`/steps/${bad}/reward`, 'must be a finite number');
  return value;
}
