/**
 * Running and checking leaderboard episodes. Each episode writes its replay and then a small
 * record of its metrics (both atomically; the record last, so a record always has its replay).
 * A later run skips episodes that have a record (resume). Every episode, new or resumed, is then
 * checked: its replay must parse, belong to that entry and seed, re-simulate to the same record
 * (verifyReplay) and agree with the metrics record; anything else fails the run naming the episode.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rolloutEpisode, type Rollout, type Agent } from '../../../agent/agents/index.js';
import { make } from '../../../envs/index.js';
import { writeFileAtomic } from '../../../envs/node/atomic-file.js';
import { parseReplay, ReplayRecorder, verifyReplay, type Replay } from '../../../envs/replay/index.js';
import type { AgentSpec } from './agents.js';
import { episodeOptions, type SuiteEntry } from './suite.js';

export interface EpisodeRecord {
  agent: string;
  entry: string;
  env_id: string;
  seed: number;
  score: number | null;
  success: boolean;
  /** Turns the agent played (decisions), and the share the env read as valid. */
  turns: number;
  valid_rate: number;
  /** Mean completion tokens a turn; null for agents that produce no text. */
  response_tokens: number | null;
  /** Mean decision time a turn, ms. */
  latency_ms: number;
  /** Relative to the output directory. */
  replay: string;
  /** The agent's remark on the episode, when it made one (the oracle on a level it has no plan for). */
  note?: string;
}

export class EpisodeCheckError extends Error {
  constructor(
    readonly episode: string,
    message: string,
  ) {
    super(`episode ${episode}: ${message}`);
    this.name = 'EpisodeCheckError';
  }
}

/**
 * Success as the leaderboard counts it: a goal where the env reports one (Football ends every
 * episode by its own rules, so "terminated" would count a lost ball as a success), else the
 * replay's own flag (Sokoban: solved).
 */
export function successOf(replay: Replay): boolean {
  const goal = replay.steps.at(-1)?.info.goal;
  return typeof goal === 'boolean' ? goal : replay.result.success;
}

export const episodeName = (slug: string, entry: string, seed: number) => `${slug}/${entry}/${seed}`;
const replayPath = (slug: string, entry: string, seed: number) => join('replays', slug, entry, `${seed}.json`);
const recordPath = (slug: string, entry: string, seed: number) => join('episodes', slug, entry, `${seed}.json`);

/** Plays one episode and writes its replay and record. */
async function playEpisode(out: string, spec: AgentSpec, agent: Agent, entry: SuiteEntry, seed: number): Promise<EpisodeRecord> {
  const options = episodeOptions(entry, seed);
  const env = new ReplayRecorder(make(entry.env_id, options), {
    agent: { name: spec.label.slice(0, 128), model: null, config: spec.config },
  });
  const name = episodeName(spec.slug, entry.id, seed);
  let r: Rollout;
  try {
    r = await rolloutEpisode(env, agent, seed);
  } catch (e) {
    // The agent's own message (an HTTP 400, a refused env) says what; this says where.
    throw new Error(`episode ${name}: agent ${spec.label} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const done = env.lastReplay();
  if (!done) throw new EpisodeCheckError(name, `the episode did not end within the rollout's step cap, so it has no replay`);
  const tokens = r.steps.map((s) => s.usage?.completionTokens).filter((t): t is number => t !== undefined);
  const note = r.steps.find((s) => s.note !== undefined)?.note;
  const rel = replayPath(spec.slug, entry.id, seed);
  writeFileAtomic(join(out, rel), JSON.stringify(done));
  const record: EpisodeRecord = {
    agent: spec.label,
    entry: entry.id,
    env_id: entry.env_id,
    seed,
    score: done.result.score,
    success: successOf(done),
    turns: done.steps.length,
    valid_rate: done.steps.filter((s) => s.valid).length / done.steps.length,
    response_tokens: tokens.length ? tokens.reduce((a, b) => a + b, 0) / tokens.length : null,
    latency_ms: r.steps.reduce((a, s) => a + s.latencyMs, 0) / Math.max(1, r.steps.length),
    replay: rel,
    ...(note !== undefined ? { note } : {}),
  };
  writeFileAtomic(join(out, recordPath(spec.slug, entry.id, seed)), JSON.stringify(record, null, 1));
  return record;
}

export interface RunProgress {
  /** Called once per episode, with whether it was resumed from an earlier run. */
  onEpisode?: (resumed: boolean) => void;
  /** Gets every agent made, so that the caller closes each once at the end. */
  opened?: Set<Agent>;
}

/**
 * Runs every episode of `entries` for one agent that has no record yet, `agent.concurrency` at a
 * time (1 when unset), and returns all records in suite order.
 */
export async function runEpisodes(out: string, spec: AgentSpec, entries: readonly SuiteEntry[], progress: RunProgress = {}): Promise<EpisodeRecord[]> {
  const records: EpisodeRecord[] = [];
  for (const entry of entries) {
    const todo: number[] = [];
    const slots: (EpisodeRecord | null)[] = entry.seeds.map((seed) => {
      const path = join(out, recordPath(spec.slug, entry.id, seed));
      if (!existsSync(path)) {
        todo.push(seed);
        return null;
      }
      progress.onEpisode?.(true);
      return readRecord(path, episodeName(spec.slug, entry.id, seed));
    });
    if (todo.length > 0) {
      const agent = await spec.forEntry(entry.env_id, entry.options);
      progress.opened?.add(agent);
      const workers = Math.max(1, Math.min(16, agent.concurrency ?? 1, todo.length));
      let next = 0;
      const done = new Map<number, EpisodeRecord>();
      await Promise.all(
        Array.from({ length: workers }, async () => {
          while (next < todo.length) {
            const seed = todo[next++];
            done.set(seed, await playEpisode(out, spec, agent, entry, seed));
            progress.onEpisode?.(false);
          }
        }),
      );
      entry.seeds.forEach((seed, i) => (slots[i] ??= done.get(seed)!));
    }
    records.push(...(slots as EpisodeRecord[]));
  }
  return records;
}

function readRecord(path: string, name: string): EpisodeRecord {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as EpisodeRecord;
  } catch (e) {
    throw new EpisodeCheckError(name, `its record ${path} is unreadable (${(e as Error).message}); delete it to re-run the episode`);
  }
}

/** Checks one episode's replay against its suite entry, its record and a re-simulation. */
export function checkEpisode(out: string, slug: string, entry: SuiteEntry, record: EpisodeRecord): void {
  const name = episodeName(slug, entry.id, record.seed);
  const path = join(out, record.replay);
  let replay: Replay;
  try {
    replay = parseReplay(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new EpisodeCheckError(name, `replay ${path} is unreadable: ${(e as Error).message}`);
  }
  const want = episodeOptions(entry, record.seed);
  if (replay.env_id !== entry.env_id || replay.seed !== record.seed) {
    throw new EpisodeCheckError(name, `replay ${path} is of ${replay.env_id} seed ${replay.seed}, not ${entry.env_id} seed ${record.seed}`);
  }
  for (const [key, value] of Object.entries(want)) {
    if (JSON.stringify(replay.options[key]) !== JSON.stringify(value)) {
      throw new EpisodeCheckError(name, `replay ${path} has option ${key}=${JSON.stringify(replay.options[key])?.slice(0, 60)}, the suite says ${JSON.stringify(value).slice(0, 60)}`);
    }
  }
  const report = verifyReplay(replay);
  if (!report.ok) throw new EpisodeCheckError(name, `replay ${path} does not verify by re-simulation: ${report.message}`);
  if (report.score !== record.score || successOf(replay) !== record.success || replay.steps.length !== record.turns) {
    throw new EpisodeCheckError(name, `replay ${path} (score ${report.score}) disagrees with its record (score ${record.score})`);
  }
}
