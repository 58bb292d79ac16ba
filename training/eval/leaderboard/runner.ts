/** One leaderboard run, as a function (the CLI and the tests call it): play, check, aggregate, write. */
import { join } from 'node:path';
import { writeFileAtomic } from '../../../envs/node/atomic-file.js';
import { progressBar } from '../../../envs/node/progress.js';
import type { Agent } from '../../../agent/agents/index.js';
import { agentSpec, type AgentSpec } from './agents.js';
import { aggregate, type Row } from './aggregate.js';
import { checkEpisode, runEpisodes } from './episodes.js';
import { toHtml, toJson, toMarkdown, type ReportMeta } from './report.js';
import { loadSuite } from './suite.js';

export interface LeaderboardOptions {
  agents: string[];
  suite: string;
  levels?: string;
  out: string;
  viewer: string;
  /** Play only the entries whose id contains this (e.g. `sokoban`, or one entry for a slow agent). */
  only?: string;
  /** Where suites are read from (tests point it elsewhere). */
  benchmarkDir?: string;
  log?: (line: string) => void;
}

export interface LeaderboardResult {
  rows: Row[];
  meta: ReportMeta;
  played: number;
  resumed: number;
}

export async function runLeaderboard(o: LeaderboardOptions): Promise<LeaderboardResult> {
  const log = o.log ?? (() => {});
  const started = performance.now();
  const loaded = loadSuite(o.suite, o.levels, o.benchmarkDir);
  const suite = { ...loaded, entries: loaded.entries.filter((e) => e.id.includes(o.only ?? '')) };
  if (suite.entries.length === 0) throw new Error(`--only ${o.only}: no entry of suite ${loaded.name} matches (${loaded.entries.map((e) => e.id).join(', ')})`);
  log(`suite ${suite.name} (hash ${suite.hash}): ${suite.entries.length} entries, ${suite.entries.reduce((a, e) => a + e.seeds.length, 0)} episodes per agent`);
  // Every name is checked before anything runs, so a typo in the third agent costs nothing.
  const specs = await Promise.all(o.agents.map(agentSpec));
  const slugs = new Set(specs.map((s) => s.slug));
  if (slugs.size !== specs.length) throw new Error(`--agents: two agents share a file name (${specs.map((s) => s.slug).join(', ')})`);
  const rows: Row[] = [];
  let played = 0;
  let resumed = 0;
  const opened = new Set<Agent>();
  try {
    for (const spec of specs) rows.push(...(await runAgent(spec)));
  } finally {
    for (const agent of opened) await agent.close?.();
  }

  async function runAgent(spec: AgentSpec): Promise<Row[]> {
    const total = suite.entries.reduce((a, e) => a + e.seeds.length, 0);
    const bar = progressBar(total, spec.label);
    const records = await runEpisodes(o.out, spec, suite.entries, {
      opened,
      onEpisode: (wasResumed) => {
        if (wasResumed) resumed++;
        else played++;
        bar.tick();
      },
    });
    bar.stop();
    const byEntry = new Map(suite.entries.map((e) => [e.id, e]));
    for (const r of records) checkEpisode(o.out, spec.slug, byEntry.get(r.entry)!, r);
    const unscored = records.filter((r) => r.score === null).length;
    const noted = records.filter((r) => r.note !== undefined);
    log(`${spec.label}: ${records.length} episodes, every replay verified${unscored > 0 ? `; ${unscored} without a score (no known optimum), left out of the score means` : ''}`);
    for (const r of noted) log(`  ${spec.label}, ${r.entry} seed ${r.seed}: ${r.note}`);
    return aggregate(spec.label, records, suite.entries.map((e) => e.id));
  }
  const meta: ReportMeta = { suite: o.only ? `${suite.name}, entries matching "${o.only}"` : suite.name, suite_hash: suite.hash, created_at: new Date().toISOString(), viewer: o.viewer, seconds: (performance.now() - started) / 1000 };
  writeFileAtomic(join(o.out, 'leaderboard.json'), toJson(meta, rows));
  writeFileAtomic(join(o.out, 'leaderboard.md'), toMarkdown(meta, rows));
  writeFileAtomic(join(o.out, 'leaderboard.html'), toHtml(meta, rows));
  return { rows, meta, played, resumed };
}
