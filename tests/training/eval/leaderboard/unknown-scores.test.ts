/**
 * Episodes without a score (a level whose optimum the solver does not find: `score: null`) are left
 * out of the score means and counted apart in every report, and the oracle, which has no plan for
 * such a level, plays it idle and says so instead of aborting the run.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregate } from '../../../../training/eval/leaderboard/aggregate.js';
import type { EpisodeRecord } from '../../../../training/eval/leaderboard/episodes.js';
import { runLeaderboard, type LeaderboardResult } from '../../../../training/eval/leaderboard/runner.js';
import { oracleAgent, rolloutEpisode } from '../../../../agent/agents/index.js';
import { make } from '../../../../envs/index.js';

// One push right solves the first; in the second the box sits against the wall right of its target
// and can never be pushed left, so no plan exists and the env reports no score.
const SOLVABLE = '#####\n#@$.#\n#####';
const UNSOLVABLE = '#####\n#@.$#\n#####';

let root: string;
let result: LeaderboardResult;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'leaderboard-unscored-'));
  const benchmarks = join(root, 'benchmarks');
  mkdirSync(benchmarks);
  const level = (text: string, protocol: string) => ({ protocol, levels: [text], level_index: 0 });
  writeFileSync(
    join(benchmarks, 'tiny.json'),
    JSON.stringify({
      name: 'tiny',
      entries: [
        { id: 'unsolvable-online', env_id: 'Sokoban-v1', options: level(UNSOLVABLE, 'online'), seeds: [0, 1] },
        { id: 'solvable-global', env_id: 'Sokoban-v1', options: level(SOLVABLE, 'global'), seeds: [0] },
      ],
    }),
  );
  // The --levels entry holds one episode of each kind: a mean over one scored and one unscored episode.
  writeFileSync(join(root, 'levels.txt'), `; 0\n${SOLVABLE}\n\n; 1\n${UNSOLVABLE}\n`);
  result = await runLeaderboard({ agents: ['idle', 'oracle'], suite: 'tiny', benchmarkDir: benchmarks, levels: join(root, 'levels.txt'), out: join(root, 'out'), viewer: '/viewer/' });
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

const row = (agent: string, entry: string) => result.rows.find((r) => r.agent === agent && r.entry === entry)!;

describe('unknown scores on the leaderboard', () => {
  it('the oracle plays a level it has no plan for idle, noting why, and the run goes on', async () => {
    const env = make('Sokoban-v1', { levels: [UNSOLVABLE], level_index: 0, protocol: 'global' });
    const r = await rolloutEpisode(env, oracleAgent('Sokoban-v1', { protocol: 'global' }), 0);
    expect(r.score).toBeNull();
    expect(r.steps[0].note).toMatch(/^oracle: the solver found no plan for this level \(unsolvable, .*\); it played idle$/);
    const record = JSON.parse(readFileSync(join(root, 'out', 'episodes', 'oracle', 'boxoban', '1.json'), 'utf8')) as EpisodeRecord;
    expect(record.score).toBeNull();
    expect(record.note).toMatch(/found no plan/);
    expect(row('oracle', 'unsolvable-online').notes.map((n) => n.seed)).toEqual([0, 1]);
  });

  it('unscored episodes are left out of the score and counted apart; entries without a score leave the overall mean', () => {
    const oracle = row('oracle', 'boxoban');
    expect(oracle.episodes).toBe(2);
    expect(oracle.score).toMatchObject({ mean: 100, n: 1 });
    expect(oracle.score_unknown).toBe(1);
    // idle's one scored episode is its mean: the unscored one does not pull it towards 0.
    const idle = row('idle', 'boxoban');
    const idleScored = idle.replays.find((p) => p.score !== null)!.score!;
    expect(idle.score).toMatchObject({ mean: idleScored, n: 1 });
    expect(idle.score_unknown).toBe(1);
    const none = row('oracle', 'unsolvable-online');
    expect(none.score.n).toBe(0);
    expect(none.score_unknown).toBe(2);
    const overall = row('oracle', 'overall');
    expect(overall.score.mean).toBe(100); // solvable-global and boxoban, both 100; unsolvable-online has none
    expect(overall.score_unknown).toBe(3);
    expect(overall.episodes).toBe(5);
  });

  it('the three reports show the unscored counts and the notes', () => {
    const out = join(root, 'out');
    const md = readFileSync(join(out, 'leaderboard.md'), 'utf8');
    expect(md).toContain('| episodes | score | unscored |');
    expect(md).toContain('| oracle | `boxoban` | 2 | 100.0 ± 0.0 | 1 |');
    expect(md).toContain('| oracle | `unsolvable-online` | 2 | - | 2 |');
    expect(md).toMatch(/- oracle, boxoban seed 1: oracle: the solver found no plan/);
    const json = JSON.parse(readFileSync(join(out, 'leaderboard.json'), 'utf8')) as { rows: { agent: string; entry: string; score_unknown: number; notes: unknown[] }[] };
    expect(json.rows.find((r) => r.agent === 'oracle' && r.entry === 'overall')!.score_unknown).toBe(3);
    expect(json.rows.find((r) => r.agent === 'oracle' && r.entry === 'boxoban')!.notes).toHaveLength(1);
    const html = readFileSync(join(out, 'leaderboard.html'), 'utf8');
    expect(html).toContain('<th data-col="4" data-num="true">unscored</th>');
    expect(html).toMatch(/<ul id="notes">.*<li>oracle, boxoban seed 1: oracle: the solver found no plan/);
  });

  it('aggregate: a null score is no 0', () => {
    const rec = (seed: number, score: number | null): EpisodeRecord => ({
      agent: 'a', entry: 'e', env_id: 'Sokoban-v0', seed, score, success: false, turns: 1, valid_rate: 1, response_tokens: null, latency_ms: 0, replay: `${seed}.json`,
    });
    const [entry, overall] = aggregate('a', [rec(0, 40), rec(1, null), rec(2, 60)], ['e']);
    expect(entry.score).toMatchObject({ mean: 50, n: 2 });
    expect(entry.score_unknown).toBe(1);
    expect(overall.score.mean).toBe(50);
  });
});
