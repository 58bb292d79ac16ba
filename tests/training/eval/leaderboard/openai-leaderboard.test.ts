/**
 * End to end: the leaderboard runs the OpenAI-compatible agent (`openai:MODEL@URL?...`, on the
 * official client) against the real server's /v1/chat/completions serving the committed TinyLMM
 * checkpoint, streamed and not, under both Sokoban protocols, and the episodes land in
 * leaderboard.json and leaderboard.md with replays that verify by re-simulation.
 *
 * The global protocol runs the quick suite's own entry (`--only sokoban-small-global`). The online
 * protocol runs the quick suite's online entry cut to 3 turns and 2 seeds, in a suite written for
 * this test: as committed, each of its 4 episodes runs to the 200-turn cap (the checkpoint rarely
 * solves a 2-box board), 800 requests that took 90 s here. The TinyLMM agent plays the same global
 * episodes in-process, and the served answers must equal its own. Generations are capped at 160 tokens
 * (the checkpoint writes a 7x7 board, 56 tokens, and the positions before its moves).
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReplay, verifyReplay, type Replay } from '../../../../envs/replay/index.js';
import { runLeaderboard, type LeaderboardResult } from '../../../../training/eval/leaderboard/runner.js';
import { agentSpec } from '../../../../training/eval/leaderboard/agents.js';
import { loadSuite } from '../../../../training/eval/leaderboard/suite.js';
import type { EpisodeRecord } from '../../../../training/eval/leaderboard/episodes.js';
import { startServer, type TestServer } from '../../../server/helpers.js';

/** The same checkpoint played in-process by the TinyLMM agent, with the same greedy settings. */
const DIRECT = 'tinylmm:assets/checkpoints/tiny?temperature=0&max_tokens=160';

let s: TestServer;
let out: string;
let agents: { plain: string; streamed: string };
let global: LeaderboardResult;
let online: LeaderboardResult;

const quick = loadSuite('quick');
const onlineEntry = quick.entries.find((e) => e.id === 'sokoban-small-online')!;

beforeAll(async () => {
  s = await startServer({ models: { tiny: 'assets/checkpoints/tiny' }, modelThreads: 1 });
  out = mkdtempSync(join(tmpdir(), 'openai-leaderboard-'));
  // Greedy, so that the streamed and the plain agent must give the same answers.
  const spec = `openai:tiny@${s.url}/v1?prompt=tinylmm&temperature=0&max_tokens=160`;
  agents = { plain: spec, streamed: `${spec}&stream=1` };
  global = await runLeaderboard({ agents: [agents.plain, agents.streamed, DIRECT], suite: 'quick', only: 'sokoban-small-global', out: join(out, 'global'), viewer: '/viewer/' });
  const bench = join(out, 'benchmarks');
  mkdirSync(bench);
  const short = { ...onlineEntry, options: { ...onlineEntry.options, max_steps: 3 }, seeds: onlineEntry.seeds.slice(0, 2) };
  writeFileSync(join(bench, 'quick-online.json'), JSON.stringify({ name: 'quick-online', entries: [short] }));
  online = await runLeaderboard({ agents: [agents.plain, agents.streamed], suite: 'quick-online', benchmarkDir: bench, out: join(out, 'online'), viewer: '/viewer/' });
}, 120_000);

afterAll(async () => {
  await s?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

interface JsonRow {
  agent: string;
  entry: string;
  score: { mean: number; n: number };
  replays: { seed: number; path: string }[];
}

const jsonRows = (dir: string) => (JSON.parse(readFileSync(join(dir, 'leaderboard.json'), 'utf8')) as { rows: JsonRow[] }).rows;
const replayOf = (dir: string, path: string): Replay => parseReplay(readFileSync(join(dir, path), 'utf8'));
const recordOf = (dir: string, label: string, entry: string, seed: number) =>
  JSON.parse(readFileSync(join(dir, 'episodes', agentSlug(label), entry, `${seed}.json`), 'utf8')) as EpisodeRecord;
const slugs = new Map<string, string>();
const agentSlug = (label: string) => slugs.get(label)!;

describe('leaderboard with openai:MODEL@URL against the served checkpoint', () => {
  beforeAll(async () => {
    for (const label of [...Object.values(agents), DIRECT]) slugs.set(label, (await agentSpec(label)).slug);
  });

  it('global protocol: every episode of the quick entry lands in leaderboard.json and .md, for both agents', () => {
    const dir = join(out, 'global');
    const entry = quick.entries.find((e) => e.id === 'sokoban-small-global')!;
    const rows = jsonRows(dir);
    for (const label of Object.values(agents)) {
      const row = rows.find((r) => r.agent === label && r.entry === entry.id);
      expect(row, `${label} has a row`).toBeDefined();
      expect(row!.score.n).toBe(entry.seeds.length);
      expect(row!.replays.map((r) => r.seed)).toEqual(entry.seeds);
      expect(readFileSync(join(dir, 'leaderboard.md'), 'utf8')).toContain(`| ${label} | \`${entry.id}\` | ${entry.seeds.length} |`);
    }
    expect(global.played).toBe(3 * entry.seeds.length);
  });

  it('every replay verifies and holds the model text the server sent; streamed and plain answers agree', () => {
    const dir = join(out, 'global');
    const byAgent = new Map<string, string[]>();
    for (const row of jsonRows(dir)) {
      if (row.entry !== 'sokoban-small-global') continue;
      const texts = row.replays.map((r) => {
        const replay = replayOf(dir, r.path);
        expect(verifyReplay(replay).ok).toBe(true);
        expect(replay.steps).toHaveLength(1); // one answer ends a global episode
        const record = recordOf(dir, row.agent, row.entry, r.seed);
        expect(record.response_tokens).toBeGreaterThan(0);
        expect(record.response_tokens).toBeLessThanOrEqual(160);
        return replay.steps[0].text ?? '';
      });
      expect(texts.every((t) => t.length > 0)).toBe(true);
      byAgent.set(row.agent, texts);
    }
    expect(byAgent.get(agents.streamed)).toEqual(byAgent.get(agents.plain));
    // Served through /v1/chat/completions, the checkpoint answers as it does in-process.
    expect(byAgent.get(agents.plain)).toEqual(byAgent.get(DIRECT));
    // The checkpoint writes moves: most answers are read as moves, not played as idle.
    const valid = global.rows.filter((r) => r.entry === 'sokoban-small-global' && r.agent !== DIRECT).map((r) => r.valid_rate.mean);
    for (const v of valid) expect(v).toBeGreaterThan(0.5);
  });

  it('online protocol: turn by turn, one request a turn, every replay verifies', () => {
    const dir = join(out, 'online');
    const rows = jsonRows(dir);
    for (const label of Object.values(agents)) {
      const row = rows.find((r) => r.agent === label && r.entry === onlineEntry.id)!;
      expect(row.score.n).toBe(2);
      for (const r of row.replays) {
        const replay = replayOf(dir, r.path);
        expect(verifyReplay(replay).ok).toBe(true);
        expect(replay.options.protocol).toBe('online');
        const solved = replay.result.success;
        if (!solved) expect(replay.steps).toHaveLength(3);
        for (const step of replay.steps) expect(typeof step.text).toBe('string');
      }
    }
    expect(online.played).toBe(4);
  });

  it('the settings are recorded in the replays, and a bad one is refused by name before anything runs', async () => {
    const dir = join(out, 'global');
    const row = jsonRows(dir).find((r) => r.agent === agents.streamed)!;
    const replay = replayOf(dir, row.replays[0].path);
    expect(replay.agent.config).toMatchObject({ model: 'tiny', stream: true, prompt: 'tinylmm', temperature: 0, maxTokens: 160, historyTurns: 0 });
    await expect(agentSpec(`openai:tiny@${s.url}/v1?strem=1`)).rejects.toThrow(/openai: unknown setting "strem"/);
    await expect(agentSpec(`openai:tiny@${s.url}/v1?max_tokens=0`)).rejects.toThrow(/openai: max_tokens=0 is out of range/);
    await expect(agentSpec(`openai:tiny@${s.url}/v1?prompt=long`)).rejects.toThrow(/openai: prompt must be chat or tinylmm/);
  });

  it('the general chat prompt overflows the checkpoint context: the run fails naming the episode and the server error', async () => {
    await expect(
      runLeaderboard({ agents: [`openai:tiny@${s.url}/v1?max_tokens=8`], suite: 'quick', only: 'sokoban-small-global', out: join(out, 'chat-prompt'), viewer: '/viewer/' }),
    ).rejects.toThrow(/episode openai_tiny.*\/sokoban-small-global\/\d+: agent .* failed: 400 This model's maximum context length is 512 tokens/);
  });
});
