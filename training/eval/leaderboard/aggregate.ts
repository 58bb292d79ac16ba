/**
 * Leaderboard figures from episode records: per agent and suite entry, and overall. A mean comes
 * with its standard error (sample standard deviation over sqrt(n)); the overall score is the mean
 * of the entries' means, each entry weighing the same whatever its episode count, with the
 * standard error of that mean of independent means (sqrt of the summed squared errors over k).
 *
 * An episode whose score is unknown (`score: null`: a Sokoban level whose optimum the solver did
 * not find) has no place in a score mean, as 0 or as anything else: the score figures are over the
 * scored episodes, and the unscored ones are counted apart (`score_unknown`). An entry with no
 * scored episode has no score mean and does not enter the overall one.
 */
import type { EpisodeRecord } from './episodes.js';

export interface Stat {
  mean: number;
  se: number;
  n: number;
}

export function stat(xs: readonly number[]): Stat {
  const n = xs.length;
  if (n === 0) return { mean: NaN, se: NaN, n: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, se: Math.sqrt(variance / n), n };
}

/** The mean of independent means, with its standard error. */
export function meanOfMeans(stats: readonly Stat[]): Stat {
  const k = stats.length;
  if (k === 0) return { mean: NaN, se: NaN, n: 0 };
  return {
    mean: stats.reduce((a, s) => a + s.mean, 0) / k,
    se: Math.sqrt(stats.reduce((a, s) => a + s.se ** 2, 0)) / k,
    n: stats.reduce((a, s) => a + s.n, 0),
  };
}

export interface Row {
  agent: string;
  /** Suite entry id, or `overall`. */
  entry: string;
  env_id: string | null;
  /** Episodes played (scored or not). */
  episodes: number;
  /** Over the episodes with a score; `n` counts them. */
  score: Stat;
  /** Episodes without a score (the env knows no optimum for the level): left out of `score`. */
  score_unknown: number;
  success: Stat;
  valid_rate: Stat;
  /** Mean response tokens a turn (null when the agent writes no text). */
  response_tokens: number | null;
  latency_ms: number;
  /** Replays of the entry's episodes, relative to the output directory, in seed order. */
  replays: { seed: number; path: string; score: number | null }[];
  /** The agent's remarks on episodes it could not play as meant (the oracle on a level it has no plan for). */
  notes: { seed: number; note: string }[];
}

function row(agent: string, entry: string, envId: string | null, records: readonly EpisodeRecord[]): Row {
  const tokens = records.map((r) => r.response_tokens).filter((t): t is number => t !== null);
  const scores = records.map((r) => r.score).filter((s): s is number => s !== null);
  return {
    agent,
    entry,
    env_id: envId,
    episodes: records.length,
    score: stat(scores),
    score_unknown: records.length - scores.length,
    success: stat(records.map((r) => (r.success ? 1 : 0))),
    valid_rate: stat(records.map((r) => r.valid_rate)),
    response_tokens: tokens.length ? tokens.reduce((a, b) => a + b, 0) / tokens.length : null,
    latency_ms: records.reduce((a, r) => a + r.latency_ms, 0) / Math.max(1, records.length),
    replays: records.map((r) => ({ seed: r.seed, path: r.replay, score: r.score })),
    notes: records.filter((r) => r.note !== undefined).map((r) => ({ seed: r.seed, note: r.note! })),
  };
}

/** Rows per entry for one agent, then its overall row. */
export function aggregate(agent: string, records: readonly EpisodeRecord[], entryOrder: readonly string[]): Row[] {
  const rows: Row[] = [];
  for (const id of entryOrder) {
    const mine = records.filter((r) => r.entry === id);
    if (mine.length > 0) rows.push(row(agent, id, mine[0].env_id, mine));
  }
  const all = row(agent, 'overall', null, records);
  // Entries without a single scored episode have no mean to weigh in.
  all.score = meanOfMeans(rows.map((r) => r.score).filter((s) => s.n > 0));
  all.success = meanOfMeans(rows.map((r) => r.success));
  all.valid_rate = meanOfMeans(rows.map((r) => r.valid_rate));
  all.replays = [];
  all.notes = [];
  rows.push(all);
  return rows;
}
