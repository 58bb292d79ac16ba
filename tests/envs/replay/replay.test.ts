import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { make } from '../../../envs/browser.js';
import { parseReplay, ReplayFormatError, ReplayRecorder, verifyReplay, type Replay } from '../../../envs/replay/index.js';
import { ReplayStore } from '../../../envs/replay/store.js';
import { registerTinyGame, TINY_ID, tinyPlan } from '../../server/fixtures/tiny-game.js';

registerTinyGame();

function record(seed: number, texts: boolean): Replay {
  const rec = new ReplayRecorder(make(TINY_ID), { agent: { name: 'test', model: 'none' } });
  const { observation } = rec.reset({ seed });
  const goal = (observation.state as { goal: number }).goal;
  // One wasted move first, so the episode has a negative reward and an invalid turn in it.
  rec.step(texts ? { text: '<think>hm</think><answer>jump</answer>' } : 'jump');
  rec.step(texts ? { text: 'left' } : 0);
  for (const move of tinyPlan(goal)) {
    const r = rec.step(texts ? { text: `<think>go</think><answer>${move}</answer>` } : move);
    if (r.terminated) break;
  }
  const replay = rec.lastReplay();
  if (!replay) throw new Error('episode did not end');
  return replay;
}

describe('replays', () => {
  it('round-trips through JSON and verifies (structured and text actions)', () => {
    for (const texts of [false, true]) {
      const replay = parseReplay(JSON.stringify(record(7, texts)));
      expect(replay.steps[0].valid).toBe(false);
      expect(replay.result.success).toBe(true);
      const report = verifyReplay(replay);
      expect(report).toMatchObject({ ok: true, mismatch: null });
      expect(report.steps_checked).toBe(replay.steps.length);
    }
  });

  it('reads back an episode with an out-of-range index and an odd long name (played as invalid moves)', () => {
    const rec = new ReplayRecorder(make(TINY_ID, { max_steps: 2 }), { agent: { name: 'test' } });
    rec.reset({ seed: 1 });
    rec.step(-1);
    rec.step('İ'.repeat(256)); // lower-cased, twice as long
    const replay = parseReplay(JSON.stringify(rec.lastReplay()));
    expect(replay.steps.map((st) => st.action)).toEqual([-1, 'İ'.repeat(256)]);
    expect(verifyReplay(replay).ok).toBe(true);
  });

  it('names the first tampered step: a changed action', () => {
    const replay = structuredClone(record(3, true));
    replay.steps[2].text = '<answer>left</answer>';
    const report = verifyReplay(replay);
    expect(report.ok).toBe(false);
    expect(report.mismatch?.step).toBe(2);
    expect(report.message).toMatch(/^step 2:/);
  });

  it('names the first tampered step: a changed reward', () => {
    const replay = structuredClone(record(3, false));
    replay.steps[3].reward += 1;
    const report = verifyReplay(replay);
    expect(report.mismatch).toMatchObject({ step: 3, field: 'reward' });
  });

  it('names the first tampered step: a changed info entry (the viewer shows it)', () => {
    const replay = structuredClone(record(3, false));
    replay.steps[1].info.solved = true;
    expect(verifyReplay(replay)).toMatchObject({ ok: false, mismatch: { step: 1, field: 'info.solved' } });
    const added = structuredClone(record(3, false));
    added.steps[2].info.score = 100;
    expect(verifyReplay(added).mismatch).toMatchObject({ step: 2, field: 'info.score' });
  });

  it('does not verify a replay without steps (no finished episode)', () => {
    const replay = { ...record(3, false), steps: [], result: { score: null, success: false, return: 0, length: 0 } };
    expect(verifyReplay(replay)).toMatchObject({ ok: false, mismatch: { field: 'steps' } });
  });

  it('catches a changed score, seed and unknown env', () => {
    const a = structuredClone(record(5, false));
    a.result.score = 99;
    expect(verifyReplay(a).mismatch?.field).toBe('result.score');
    const b = structuredClone(record(5, false));
    b.env_id = 'Nope-v0';
    expect(verifyReplay(b).mismatch?.field).toBe('env');
  });

  it('rejects malformed JSON naming the field', () => {
    const r = record(1, false) as unknown as Record<string, unknown>;
    expect(() => parseReplay('{')).toThrow(ReplayFormatError);
    expect(() => parseReplay({ ...r, version: 2 })).toThrow(/version/);
    const bad = structuredClone(r) as { steps: { reward: unknown }[] };
    bad.steps[1].reward = 'x';
    expect(() => parseReplay(bad)).toThrow(/steps\.1\.reward/);
    expect(() => parseReplay({ ...r, extra: 1 })).toThrow(ReplayFormatError);
    expect(() => parseReplay({ ...r, created_at: 'yesterday' })).toThrow(/created_at/);
  });

  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('saves atomically and lists with filters', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'replays-'));
    dirs.push(dir);
    const store = new ReplayStore(dir);
    const a = await store.save(record(1, false));
    const human = { ...record(2, true), agent: { name: 'human', model: null } };
    await store.save(human);
    await store.flush();
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect((await store.list()).total).toBe(2);
    expect((await store.list({ agent: 'human' })).replays.map((s) => s.agent)).toEqual(['human']);
    expect((await store.list({ env: 'other' })).total).toBe(0);
    // A fresh store scans the directory.
    const again = new ReplayStore(dir);
    expect((await again.list()).total).toBe(2);
    expect((await again.get(a))?.seed).toBe(1);
    expect(await again.get('../etc/passwd')).toBeNull();
    // A corrupt file is no replay: not listed, not served (never blamed on the request).
    await writeFile(join(dir, 'corrupt.json'), '{"version": 1}');
    expect(await new ReplayStore(dir).get('corrupt')).toBeNull();
    expect((await new ReplayStore(dir).list()).total).toBe(2);
  });
});

describe('recorder budget', () => {
  it('drops the record of an episode past its byte budget but plays on', () => {
    const ended: Replay[] = [];
    const rec = new ReplayRecorder(make(TINY_ID, { max_steps: 50 }), { agent: { name: 'b' }, maxBytes: 10_000, onEpisodeEnd: (r) => ended.push(r) });
    rec.reset({ seed: 1 });
    let done = false;
    for (let t = 0; !done; t++) {
      const r = rec.step({ text: `${'x'.repeat(1000)} left` });
      done = r.terminated || r.truncated;
    }
    expect(rec.lastReplay()).toBeNull();
    expect(ended).toEqual([]);
    // The next episode records again.
    const { observation } = rec.reset({ seed: 2 });
    for (const move of tinyPlan((observation.state as { goal: number }).goal)) rec.step(move);
    expect(ended).toHaveLength(1);
  });
});
