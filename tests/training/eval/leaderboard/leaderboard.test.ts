/**
 * The leaderboard on the quick suite: the oracle scores exactly 100 on every Sokoban episode, idle
 * and random sit near MageBench's idle level, every episode's replay verifies, a second run
 * resumes, and a tampered replay fails the run naming the episode.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLeaderboard, type LeaderboardResult } from '../../../../training/eval/leaderboard/runner.js';
import { loadSuite, parseSuite } from '../../../../training/eval/leaderboard/suite.js';
import { meanOfMeans, stat } from '../../../../training/eval/leaderboard/aggregate.js';
import type { EpisodeRecord } from '../../../../training/eval/leaderboard/episodes.js';

let out: string;
let first: LeaderboardResult;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'leaderboard-'));
  first = await runLeaderboard({ agents: ['idle', 'random', 'oracle'], suite: 'quick', out, viewer: '/viewer/' });
}, 60_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

const record = (agent: string, entry: string, seed: number): EpisodeRecord =>
  JSON.parse(readFileSync(join(out, 'episodes', agent, entry, `${seed}.json`), 'utf8')) as EpisodeRecord;

describe('leaderboard, quick suite', () => {
  const suite = loadSuite('quick');
  const sokoban = suite.entries.filter((e) => e.env_id.startsWith('Sokoban'));

  it('covers both Sokoban protocols', () => {
    expect(new Set(sokoban.map((e) => e.options.protocol))).toEqual(new Set(['global', 'online']));
  });

  it('the oracle scores exactly 100 on every Sokoban episode', () => {
    for (const e of sokoban) for (const seed of e.seeds) expect(record('oracle', e.id, seed).score).toBe(100);
  });

  it('idle and random sit near MageBench idle level (about 41) on Sokoban, far below the oracle', () => {
    for (const agent of ['idle', 'random']) {
      for (const e of sokoban) {
        const row = first.rows.find((r) => r.agent === agent && r.entry === e.id)!;
        expect(row.score.mean).toBeGreaterThan(30);
        expect(row.score.mean).toBeLessThan(60);
      }
    }
  });

  it('the scripted attacker (oracle) beats idle and random on the Football entries', () => {
    for (const e of suite.entries.filter((x) => x.env_id.startsWith('Football'))) {
      const score = (agent: string) => first.rows.find((r) => r.agent === agent && r.entry === e.id)!.score.mean;
      expect(score('oracle')).toBeGreaterThan(score('idle'));
      expect(score('oracle')).toBeGreaterThan(score('random'));
    }
  });

  it('writes the three reports with the suite hash', () => {
    for (const f of ['leaderboard.md', 'leaderboard.json', 'leaderboard.html']) expect(readFileSync(join(out, f), 'utf8')).toContain(suite.hash);
  });

  it('a second run resumes every episode and gives the same figures', async () => {
    const again = await runLeaderboard({ agents: ['idle', 'random', 'oracle'], suite: 'quick', out, viewer: '/viewer/' });
    expect(again.played).toBe(0);
    expect(again.resumed).toBe(first.played + first.resumed);
    expect(again.rows.map((r) => r.score)).toEqual(first.rows.map((r) => r.score));
  });

  it('a tampered replay fails the run, naming the episode', async () => {
    const e = sokoban[0];
    const path = join(out, 'replays', 'oracle', e.id, `${e.seeds[1]}.json`);
    const original = readFileSync(path, 'utf8');
    const replay = JSON.parse(original) as { steps: { reward: number }[] };
    replay.steps[0].reward += 1;
    writeFileSync(path, JSON.stringify(replay));
    try {
      await expect(runLeaderboard({ agents: ['oracle'], suite: 'quick', out, viewer: '/viewer/' })).rejects.toThrow(
        new RegExp(`episode oracle/${e.id}/${e.seeds[1]}: replay .* does not verify`),
      );
    } finally {
      writeFileSync(path, original);
    }
  });

  it('--levels adds one global-protocol episode per Boxoban level, each replay holding its own level', async () => {
    const levels = join(out, 'levels.txt');
    writeFileSync(levels, '; 0\n#####\n#@$.#\n#####\n\n; 1\n######\n#@ $.#\n######\n');
    const dir = join(out, 'with-levels');
    const r = await runLeaderboard({ agents: ['oracle'], suite: 'quick', levels, out: dir, viewer: '/viewer/' });
    const row = r.rows.find((x) => x.entry === 'boxoban')!;
    expect(row.score.n).toBe(2);
    expect(row.score.mean).toBe(100);
    const replay = JSON.parse(readFileSync(join(dir, row.replays[1].path), 'utf8')) as { options: { levels: string[] } };
    expect(replay.options.levels).toHaveLength(1);
    expect(r.meta.suite_hash).not.toBe(loadSuite('quick').hash);
  });

  it('an unknown agent is refused before anything runs', async () => {
    await expect(runLeaderboard({ agents: ['idle', 'nobody'], suite: 'quick', out, viewer: '/viewer/' })).rejects.toThrow(/unknown agent "nobody"/);
  });
});

describe('suite files and statistics', () => {
  it('parseSuite rejects a repeated seed or entry id, naming it', () => {
    const entry = { id: 'a', env_id: 'Sokoban-v0', options: {}, seeds: [1, 2] };
    expect(() => parseSuite(JSON.stringify({ name: 's', entries: [entry, entry] }), 'x')).toThrow(/entries\[1\]\.id "a" is used twice/);
    expect(() => parseSuite(JSON.stringify({ name: 's', entries: [{ ...entry, seeds: [3, 3] }] }), 'x')).toThrow(/seeds has a seed twice/);
  });

  it('stat: the mean lies within the data and the standard error shrinks as sqrt(n) for repeated data', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 2, maxLength: 40 }), (xs) => {
        const s = stat(xs);
        expect(s.mean).toBeGreaterThanOrEqual(Math.min(...xs) - 1e-9);
        expect(s.mean).toBeLessThanOrEqual(Math.max(...xs) + 1e-9);
        const twice = stat([...xs, ...xs, ...xs, ...xs]);
        // Four copies: same mean, the variance nearly the same, so the error about halves.
        expect(twice.mean).toBeCloseTo(s.mean, 6);
        if (s.se > 1e-6) expect(twice.se / s.se).toBeLessThan(0.6);
      }),
    );
  });

  it('meanOfMeans weighs entries equally', () => {
    const m = meanOfMeans([stat([0, 0, 0, 0]), stat([10, 10])]);
    expect(m.mean).toBe(5);
    expect(m.n).toBe(6);
  });
});
