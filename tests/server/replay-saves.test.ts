/**
 * Replays on the server when writing them is slow or fails: the step that ends an episode is
 * answered only once its replay is on disk; a replay directory that cannot be written (a full disk,
 * injected here as a write failing with ENOSPC) makes /v1/health say degraded, POST /v1/replays a 507
 * naming the directory and the cause, and the log one line per interval; temp files that a killed
 * server left are removed at start, never those of a live writer.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { make } from '../../envs/core/registry.js';
import { fileError } from '../../envs/node/atomic-file.js';
import { ReplayRecorder } from '../../envs/replay/recorder.js';
import type { Replay } from '../../envs/replay/schema.js';
import type { ReplayStore } from '../../envs/replay/store.js';
import { buildApp } from '../../server/app.js';
import { Metrics } from '../../server/services/metrics.js';
import { ReplaySaves } from '../../server/services/replay-saves.js';
import { registerTinyGame, TINY_ID } from './fixtures/tiny-game.js';
import { startServer, type TestServer } from './helpers.js';

registerTinyGame();

/** What a write into `dir` does first: wait (a slow disk) or throw (a full one). */
const fault = vi.hoisted(() => ({ dir: '', beforeWrite: null as null | (() => Promise<void>) }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const open = (async (...args: Parameters<typeof fs.open>) => {
    const handle = await fs.open(...args);
    const hook = fault.beforeWrite;
    if (hook && fault.dir !== '' && String(args[0]).startsWith(fault.dir)) {
      const write = handle.writeFile.bind(handle);
      handle.writeFile = (async (...a: Parameters<typeof write>) => {
        await hook();
        return write(...a);
      }) as typeof handle.writeFile;
    }
    return handle;
  }) as typeof fs.open;
  return { ...fs, open, default: { ...fs, open } };
});

const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });

interface Created {
  instance_id: string;
  observation: { state: { goal: number } };
}

/** A tiny episode one move from its end; returns the instance id. */
async function nearEnd(s: TestServer, seed: number): Promise<string> {
  const c = await s.call<Created>('POST', '/v1/instances', { env_id: TINY_ID, seed });
  for (let i = 0; i < c.body.observation.state.goal - 1; i++) expect((await s.call('POST', `/v1/instances/${c.body.instance_id}/step`, { action: 'right' })).status).toBe(200);
  return c.body.instance_id;
}

const replayFiles = async (dir: string) => (await readdir(dir)).filter((f) => f.endsWith('.json'));

let server: TestServer | null = null;
afterEach(async () => {
  fault.dir = '';
  fault.beforeWrite = null;
  vi.restoreAllMocks();
  await server?.close();
  server = null;
});

describe('replay durability', () => {
  it('answers the step that ends an episode only once its replay is on disk (single and batch step)', async () => {
    const s = (server = await startServer());
    for (const route of ['single', 'batch'] as const) {
      const id = await nearEnd(s, route === 'single' ? 3 : 4);
      const before = (await replayFiles(s.replayDir)).length;
      // The disk is slow: the replay's write waits until the test lets it go.
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let writing!: () => void;
      const started = new Promise<void>((r) => (writing = r));
      fault.dir = s.replayDir;
      fault.beforeWrite = async () => {
        writing();
        await gate;
      };
      const events: string[] = [];
      const final =
        route === 'single'
          ? s.call<{ terminated: boolean }>('POST', `/v1/instances/${id}/step`, { action: 'right' })
          : s.call<{ results: { terminated: boolean }[] }>('POST', '/v1/batch/step', { items: [{ instance_id: id, action: 'right' }] });
      void final.then(() => events.push('answered'));
      await started;
      // Time enough for a server that answers before saving to do so.
      await new Promise((r) => setTimeout(r, 200));
      events.push('written');
      release();
      const r = await final;
      expect(r.status).toBe(200);
      expect(events, route).toEqual(['written', 'answered']);
      expect((await replayFiles(s.replayDir)).length, route).toBe(before + 1);
    }
  });

  it('removes the temp files of killed writers at start, never a live writer\'s', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'replay-temps-'));
    try {
      // A process that has exited: its id names no live process.
      const dead = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).toString());
      const names = {
        dead: `a.json.tmp-${dead}`,
        // This process's id, but older than this process: an earlier process that had the same id.
        ownOld: `b.json.tmp-${process.pid}`,
        // This process writing right now, and another live process (the parent) writing.
        ownNew: `c.json.tmp-${process.pid}`,
        live: `d.json.tmp-${process.ppid}`,
        replay: 'e.json',
      };
      for (const name of Object.values(names)) await writeFile(join(dir, name), '{');
      const past = new Date(performance.timeOrigin - 60_000);
      await utimes(join(dir, names.ownOld), past, past);
      const app = await buildApp({ replayDir: dir });
      await app.close();
      expect((await readdir(dir)).sort()).toEqual([names.ownNew, names.live, names.replay].sort());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a replay directory that cannot be written', () => {
  it('keeps serving; health says degraded with the reason, POST /v1/replays is a 507 naming the directory, the log one line', async () => {
    const s = (server = await startServer());
    const errors: string[] = [];
    const infos: string[] = [];
    vi.spyOn(s.app.log, 'error').mockImplementation(((_obj: unknown, msg: string) => void errors.push(msg)) as never);
    vi.spyOn(s.app.log, 'info').mockImplementation(((_obj: unknown, msg: string) => void infos.push(msg)) as never);
    expect((await s.call<{ status: string; reasons: string[] }>('GET', '/v1/health')).body).toMatchObject({ status: 'ok', reasons: [] });

    fault.dir = s.replayDir;
    fault.beforeWrite = () => Promise.reject(enospc());
    for (let seed = 0; seed < 20; seed++) {
      const id = await nearEnd(s, seed);
      const end = await s.call<{ terminated: boolean }>('POST', `/v1/instances/${id}/step`, { action: 'right' });
      expect(end.status).toBe(200); // the episode is played; the failed save is the server's to report
      expect(end.body.terminated).toBe(true);
    }
    const health = await s.call<{ status: string; reasons: string[] }>('GET', '/v1/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('degraded');
    expect(health.body.reasons).toHaveLength(1);
    expect(health.body.reasons[0]).toContain(`replay directory ${s.replayDir} cannot be written: ENOSPC: no space left on device, write`);
    expect(health.body.reasons[0]).toContain('20 failed since');

    // An upload that cannot be kept: 507, naming the directory and the cause.
    const env = new ReplayRecorder(make(TINY_ID), { agent: { name: 'upload', model: null } });
    const goal = (env.reset({ seed: 1 }).observation.state as { goal: number }).goal;
    for (let i = 0; i < goal; i++) env.step(1);
    const up = await s.call<{ error: string; message: string }>('POST', '/v1/replays', env.lastReplay());
    expect(up.status).toBe(507);
    expect(up.body.error).toBe('insufficient_storage');
    expect(up.body.message).toBe(`the replay was not saved: the replay directory ${s.replayDir} cannot be written: ENOSPC: no space left on device, write`);

    // One log line for 21 failures inside the interval, no stack trace; the metric counts them all.
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`${s.replayDir} cannot be written: ENOSPC`);
    expect((await s.call<string>('GET', '/metrics')).body).toContain('envserver_replay_save_failures_total 21');
    expect(await readdir(s.replayDir)).toEqual([]); // no temp file left behind

    // Space again: the next episode is saved, health is ok, and the log says so once.
    fault.beforeWrite = null;
    const id = await nearEnd(s, 99);
    expect((await s.call('POST', `/v1/instances/${id}/step`, { action: 'right' })).status).toBe(200);
    expect(await replayFiles(s.replayDir)).toHaveLength(1);
    expect((await s.call<{ status: string; reasons: string[] }>('GET', '/v1/health')).body).toMatchObject({ status: 'ok', reasons: [] });
    expect(infos.filter((m) => m.includes('saved again'))).toHaveLength(1);
  });

  it('logs one line per interval, with the count of saves that failed since the last one', async () => {
    let now = 1_000_000;
    let failing = true;
    const store = {
      dir: '/replays',
      save: () => (failing ? Promise.reject(fileError('/replays/x.json', enospc())) : Promise.resolve('x')),
    } as unknown as ReplayStore;
    const lines: string[] = [];
    const log = { error: (_o: unknown, msg: string) => void lines.push(`error ${msg}`), info: (_o: unknown, msg: string) => void lines.push(`info ${msg}`) };
    const saves = new ReplaySaves(store, new Metrics(), () => log, { logEveryMs: 60_000, now: () => now });
    const replay = {} as Replay;
    const fail = async () => expect(saves.save(replay)).rejects.toMatchObject({ statusCode: 507 });

    await fail();
    expect(lines).toEqual(['error the replay directory /replays cannot be written: ENOSPC: no space left on device, write: a replay was not saved (at most one such line every 60 s; /v1/health says degraded until a save works)']);
    for (let i = 0; i < 10; i++) {
      now += 5_000;
      await fail();
    }
    expect(lines).toHaveLength(1);
    now += 11_000; // 61 s after the first line
    await fail();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^error the replay directory \/replays cannot be written: ENOSPC: no space left on device, write: 11 replays were not saved in the last 61 s/);
    expect(saves.problem()).toMatch(/cannot be written: ENOSPC.*\(12 failed since /);
    failing = false;
    await expect(saves.save(replay)).resolves.toBe('x');
    expect(lines[2]).toMatch(/^info replays are saved again in \/replays \(12 failed since /);
    expect(saves.problem()).toBeNull();
  });
});
