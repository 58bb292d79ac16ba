/**
 * A directory of replays, one JSON file each (Node-only: not exported by `envs/replay/index.ts`).
 * Saves are atomic (a temp file, synced, renamed into place), so a reader or a crash never sees
 * half a replay; the temp files a killed writer leaves go with `removeStaleTemporaries`. Listing
 * keeps a small in-memory index of summaries, filled by one scan of the directory and updated on
 * each save, so a list request does not re-read every file.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { removeStaleTemporaries, writeFileAtomicAsync } from '../node/atomic-file.js';
import type { Replay } from './schema.js';
import { parseReplay } from './validate.js';

export interface ReplaySummary {
  id: string;
  env_id: string;
  agent: string;
  model: string | null;
  seed: number;
  score: number | null;
  success: boolean;
  return: number;
  length: number;
  turns: number;
  created_at: string;
}

export interface ReplayFilter {
  env?: string;
  agent?: string;
  limit?: number;
  offset?: number;
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export function isReplayId(id: string): boolean {
  return ID_PATTERN.test(id) && !id.includes('..');
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 48) || 'x';
}

export function summarize(id: string, r: Replay): ReplaySummary {
  return {
    id,
    env_id: r.env_id,
    agent: r.agent.name,
    model: r.agent.model ?? null,
    seed: r.seed,
    score: r.result.score,
    success: r.result.success,
    return: r.result.return,
    length: r.result.length,
    turns: r.steps.length,
    created_at: r.created_at,
  };
}

export class ReplayStore {
  private index: Map<string, ReplaySummary> | null = null;
  private scanning: Promise<Map<string, ReplaySummary>> | null = null;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(readonly dir: string) {}

  /** Writes `replay` atomically and returns its id. */
  save(replay: Replay): Promise<string> {
    const stamp = replay.created_at.replace(/[^0-9]/g, '').slice(0, 17);
    const id = `${stamp}-${slug(replay.env_id)}-${slug(replay.agent.name)}-${randomBytes(4).toString('hex')}`;
    const work = this.write(id, replay);
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work)).catch(() => undefined);
    return work;
  }

  /** Resolves when every save started so far has finished (graceful shutdown). */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async get(id: string): Promise<Replay | null> {
    if (!isReplayId(id)) return null;
    let text: string;
    try {
      text = await readFile(join(this.dir, `${id}.json`), 'utf8');
    } catch {
      return null;
    }
    try {
      return parseReplay(text);
    } catch {
      return null; // a foreign or corrupt file is not a replay, as in listing (see scan)
    }
  }

  async list(filter: ReplayFilter = {}): Promise<{ total: number; replays: ReplaySummary[] }> {
    const index = await this.load();
    const all = [...index.values()]
      .filter((s) => (filter.env === undefined || s.env_id === filter.env) && (filter.agent === undefined || s.agent === filter.agent))
      .sort((a, b) => (a.created_at === b.created_at ? b.id.localeCompare(a.id) : b.created_at.localeCompare(a.created_at)));
    const offset = filter.offset ?? 0;
    return { total: all.length, replays: all.slice(offset, offset + (filter.limit ?? 100)) };
  }

  /**
   * Removes the temporary files of saves that a killed process left behind (see
   * removeStaleTemporaries: never those of a live writer); returns their names.
   */
  removeStaleTemporaries(): Promise<string[]> {
    return removeStaleTemporaries(this.dir);
  }

  private async write(id: string, replay: Replay): Promise<string> {
    // The temporary name does not end in .json, so a scan never lists half a replay.
    await writeFileAtomicAsync(join(this.dir, `${id}.json`), JSON.stringify(replay));
    // The save is done when the file is: it does not wait for a first scan of the directory (which
    // reads every replay). A scan not yet begun will find the file; one under way gets it added.
    const summary = summarize(id, replay);
    if (this.index) this.index.set(id, summary);
    else if (this.scanning) void this.scanning.then((index) => index.set(id, summary));
    return id;
  }

  private load(): Promise<Map<string, ReplaySummary>> {
    if (this.index) return Promise.resolve(this.index);
    this.scanning ??= this.scan().then((m) => (this.index = m));
    return this.scanning;
  }

  private async scan(): Promise<Map<string, ReplaySummary>> {
    const index = new Map<string, ReplaySummary>();
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return index;
    }
    for (const name of names) {
      const id = name.slice(0, -'.json'.length);
      if (!name.endsWith('.json') || !isReplayId(id)) continue;
      try {
        index.set(id, summarize(id, parseReplay(await readFile(join(this.dir, name), 'utf8'))));
      } catch {
        // A foreign or corrupt file is not a replay; listing skips it rather than failing.
      }
    }
    return index;
  }
}
