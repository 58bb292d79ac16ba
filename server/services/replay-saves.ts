/**
 * Saving replays on the server: every save goes through here, so that a replay directory that
 * cannot be written (a full disk, lost permissions) is seen. While saves fail, `/v1/health` says
 * `degraded` with the reason, `POST /v1/replays` answers 507 naming the directory and the cause,
 * and the log gets one line per interval with the count of failed saves instead of a stack trace
 * per episode. The first save that works again clears it (and says so in the log).
 */
import type { Replay } from '../../envs/replay/schema.js';
import type { ReplayStore } from '../../envs/replay/store.js';
import { ApiError } from '../errors.js';
import type { Metrics } from './metrics.js';

/** At most one log line about failing saves per this many milliseconds. */
export const FAILURE_LOG_EVERY_MS = 60_000;

export interface SaveLog {
  error: (obj: Record<string, unknown>, msg: string) => void;
  info: (obj: Record<string, unknown>, msg: string) => void;
}

interface Failing {
  /** The latest failure's cause, as the user reads it. */
  cause: string;
  code: string | undefined;
  /** When saves began to fail (ISO). */
  since: string;
  /** Saves failed since then. */
  failed: number;
  /** When the latest log line was written, and the failures since that are not yet in the log. */
  loggedAt: number;
  unlogged: number;
}

/** The fs error's own message: the store's error names the file, which the reason names apart. */
function causeOf(e: unknown): { cause: string; code: string | undefined } {
  const err = e as NodeJS.ErrnoException & { cause?: unknown };
  const inner = err.cause instanceof Error ? err.cause : err;
  return { cause: inner.message || String(e), code: err.code };
}

export class ReplaySaves {
  private failing: Failing | null = null;

  constructor(
    readonly store: ReplayStore,
    private readonly metrics: Metrics,
    private readonly log: () => SaveLog,
    private readonly o: { logEveryMs?: number; now?: () => number } = {},
  ) {}

  /**
   * Writes `replay` and resolves with its id once it is on disk. A failed write rejects with a
   * 507 ApiError whose message names the directory and the cause, and is reported as above.
   */
  async save(replay: Replay): Promise<string> {
    let id: string;
    try {
      id = await this.store.save(replay);
    } catch (e) {
      this.metrics.replaySaveFailuresTotal++;
      throw new ApiError(507, 'insufficient_storage', `the replay was not saved: ${this.failed(e)}`);
    }
    this.metrics.replaysSavedTotal++;
    if (this.failing) {
      this.log().info({ dir: this.store.dir, failed: this.failing.failed }, `replays are saved again in ${this.store.dir} (${this.failing.failed} failed since ${this.failing.since})`);
      this.failing = null;
    }
    return id;
  }

  /** Null while saves work; otherwise why the server is degraded, for `/v1/health`. */
  problem(): string | null {
    const f = this.failing;
    if (!f) return null;
    return `replays are not being saved: ${this.reason(f.cause)} (${f.failed} failed since ${f.since})`;
  }

  private reason(cause: string): string {
    return `the replay directory ${this.store.dir} cannot be written: ${cause}`;
  }

  /** Records a failed save and logs it, at most one line per interval; returns the reason. */
  private failed(e: unknown): string {
    const now = this.o.now?.() ?? Date.now();
    const { cause, code } = causeOf(e);
    const every = this.o.logEveryMs ?? FAILURE_LOG_EVERY_MS;
    const f = (this.failing ??= { cause, code, since: new Date(now).toISOString(), failed: 0, loggedAt: -Infinity, unlogged: 0 });
    f.cause = cause;
    f.code = code;
    f.failed++;
    f.unlogged++;
    if (now - f.loggedAt >= every) {
      const count = Number.isFinite(f.loggedAt) ? `${f.unlogged} replays were not saved in the last ${Math.round((now - f.loggedAt) / 1000)} s` : 'a replay was not saved';
      this.log().error(
        { dir: this.store.dir, code, failed: f.unlogged, failed_since: f.since },
        `${this.reason(cause)}: ${count} (at most one such line every ${Math.round(every / 1000)} s; /v1/health says degraded until a save works)`,
      );
      f.loggedAt = now;
      f.unlogged = 0;
    }
    return this.reason(cause);
  }
}
