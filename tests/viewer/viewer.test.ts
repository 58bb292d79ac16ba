/**
 * The viewer in real headless Chromium, against the real server: a replay is opened and stepped
 * through, and at every step the canvas holds exactly the pixels Node renders for that step; a
 * level is played to the end with the keyboard and its replay is found on the server.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { envSpec, make, type JsonObject } from '../../envs/index.js';
import type { Replay } from '../../envs/replay/schema.js';
import { stepAction } from '../../envs/replay/steps.js';
import { buildViewer } from '../../viewer/build.js';
import { HAVE_CHROMIUM, launchChromium } from '../support/browser.js';
import { sokobanPlan } from '../server/fixtures/sokoban-plans.js';
import { registerTinyGame, TINY_ID, tinyPlan } from '../server/fixtures/tiny-game.js';
import { startServer, type TestServer } from '../server/helpers.js';

registerTinyGame();
// A real browser on a shared 2-core machine: give each test room.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

let server: TestServer;
let browser: Browser;
let viewerDir: string;

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  viewerDir = await mkdtemp(join(tmpdir(), 'viewer-'));
  await buildViewer(viewerDir, { entry: join(import.meta.dirname, 'fixtures', 'viewer-entry.ts'), minify: false });
  server = await startServer({ viewerDir });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (viewerDir) await rm(viewerDir, { recursive: true, force: true });
});

/** Node's frames for every step of a replay, as raw RGBA bytes. */
/** Node's frames of a replay, one per step from the reset on. */
function nodeFrames(replay: Replay): Uint8ClampedArray[] {
  const all = nodeFramesWhere(replay, () => true);
  return [...all.keys()].sort((x, y) => x - y).map((i) => all.get(i)!);
}

/** Only the frames `keep(i, last)` picks: rendering every frame of a long episode is most of a test's time. */
function nodeFramesWhere(replay: Replay, keep: (i: number, last: number) => boolean): Map<number, Uint8ClampedArray> {
  const env = make(replay.env_id, replay.options as JsonObject);
  env.reset({ seed: replay.seed });
  const last = replay.steps.length;
  const frames = new Map<number, Uint8ClampedArray>();
  if (keep(0, last)) frames.set(0, env.render('rgb').data);
  replay.steps.forEach((step, i) => {
    env.step(stepAction(step));
    if (keep(i + 1, last)) frames.set(i + 1, env.render('rgb').data);
  });
  return frames;
}

/** The canvas's RGBA bytes, sent as base64 (an array of a million numbers takes seconds to cross). */
async function canvasPixels(page: Page): Promise<Uint8Array> {
  const b64 = await page.evaluate(() => {
    const c = document.getElementById('frame') as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let bin = '';
    for (let i = 0; i < data.length; i += 0x8000) bin += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return btoa(bin);
  });
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

async function openViewer(path: string): Promise<Page> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}${path}`);
  await page.waitForFunction(() => (window as unknown as { viewer?: { ready: boolean } }).viewer?.ready === true, null, { timeout: 20_000 });
  expect(errors).toEqual([]);
  return page;
}

/** Plays one episode over HTTP with text actions and returns its saved replay. */
async function playOverHttp(envId: string, seed: number, plan: (state: unknown) => string[]): Promise<Replay> {
  const c = await server.call<{ instance_id: string; observation: { state: unknown } }>('POST', '/v1/instances', {
    env_id: envId,
    seed,
    agent: { name: 'browser-test', model: null },
  });
  for (const move of plan(c.body.observation.state)) {
    const r = await server.call<{ terminated: boolean; truncated: boolean }>('POST', `/v1/instances/${c.body.instance_id}/step`, {
      action: { text: `<think>I go ${move}.</think><answer>${move}</answer>` },
    });
    if (r.body.terminated || r.body.truncated) break;
  }
  await server.app.replays!.flush();
  const list = await server.call<{ replays: { id: string; seed: number; env_id: string }[] }>('GET', `/v1/replays?env=${envId}&agent=browser-test`);
  const id = list.body.replays.find((r) => r.seed === seed)!.id;
  return (await server.call<Replay>('GET', `/v1/replays/${id}`)).body;
}

describe.skipIf(!HAVE_CHROMIUM)('viewer in headless Chromium', () => {
  it('re-simulates a replay: every step shows the Node-rendered pixels, reasoning and verification', async () => {
    // Start one move off (left), so the replay has an invalid-free but non-trivial path.
    const replay = await playOverHttp(TINY_ID, 21, (s) => ['left', ...tinyPlan((s as { goal: number }).goal)]);
    const ids = await server.call<{ replays: { id: string; seed: number }[] }>('GET', `/v1/replays?env=${TINY_ID}&agent=browser-test`);
    const id = ids.body.replays.find((r) => r.seed === 21)!.id;
    const page = await openViewer(`/viewer/?replay=/v1/replays/${id}`);
    await expect.poll(() => page.textContent('#verification')).toMatch(/^verified/);
    const expected = nodeFrames(replay);
    for (let i = 0; i < expected.length; i++) {
      if (i > 0) await page.click('#next');
      expect(await page.textContent('#turn')).toBe(`turn ${i} / ${expected.length - 1}`);
      const pixels = await canvasPixels(page);
      expect(pixels.length).toBe(expected[i].length);
      expect(Buffer.from(Uint8Array.from(pixels)).equals(Buffer.from(expected[i]))).toBe(true);
      if (i > 0) {
        expect(await page.textContent('#reasoning')).toBe(`I go ${replay.steps[i - 1].parsed_actions[0]}.`);
        expect(Number(await page.textContent('#reward'))).toBeCloseTo(replay.steps[i - 1].reward, 2);
      }
    }
    // Scrubbing back to the start shows the first frame again.
    await page.fill('#scrub', '0');
    expect(Buffer.from(await canvasPixels(page)).equals(Buffer.from(expected[0]))).toBe(true);
    // The keyboard steps too; the step's info is shown.
    const last = expected.length - 1;
    await page.locator('#frame').click();
    await page.keyboard.press('End');
    expect(await page.textContent('#turn')).toBe(`turn ${last} / ${last}`);
    expect(JSON.parse((await page.textContent('#info')) ?? '{}')).toMatchObject({ solved: true });
    await page.keyboard.press('ArrowLeft');
    expect(await page.textContent('#turn')).toBe(`turn ${last - 1} / ${last}`);
    await page.keyboard.press('Home');
    expect(await page.textContent('#turn')).toBe(`turn 0 / ${last}`);
    // Play at 8x runs to the last turn and stops there.
    await page.selectOption('#speed', '8');
    await page.click('#play');
    await expect.poll(() => page.textContent('#turn'), { timeout: 10_000 }).toBe(`turn ${expected.length - 1} / ${expected.length - 1}`);
    expect(await page.textContent('#play')).toMatch(/play/);
    await page.close();
  });

  it('flags a tampered replay dropped in as a file', async () => {
    const replay = await playOverHttp(TINY_ID, 22, (s) => tinyPlan((s as { goal: number }).goal));
    replay.steps[0].reward = 3;
    const page = await openViewer('/viewer/');
    await page.setInputFiles('#replay-file', { name: 'r.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(replay)) });
    await expect.poll(() => page.textContent('#verification')).toMatch(/^NOT verified: step 0: reward/);
    // The same file dropped on the page; then one that is not a replay at all.
    replay.steps[0].reward = -0.1;
    const drop = async (text: string) => {
      const dataTransfer = await page.evaluateHandle((t) => {
        const dt = new DataTransfer();
        dt.items.add(new File([t], 'dropped.json', { type: 'application/json' }));
        return dt;
      }, text);
      await page.dispatchEvent('body', 'drop', { dataTransfer });
    };
    await drop(JSON.stringify(replay));
    await expect.poll(() => page.textContent('#verification')).toMatch(/^verified/);
    await drop('{"version": 1, "env_id": 3}');
    await expect.poll(() => page.textContent('#error')).toMatch(/^replay\.options: Expected required property/);
    await page.close();
  });

  it('opens a replay from another origin without sending it the token', async () => {
    const replay = await playOverHttp(TINY_ID, 24, (st) => tinyPlan((st as { goal: number }).goal));
    const seen: (string | undefined)[] = [];
    // Another origin (another port) that allows any header, as a hostile host would.
    const other = createServer((req, res) => {
      res.setHeader('access-control-allow-origin', '*');
      res.setHeader('access-control-allow-headers', 'authorization');
      if (req.method === 'GET') seen.push(req.headers.authorization);
      res.setHeader('content-type', 'application/json');
      res.end(req.method === 'GET' ? JSON.stringify(replay) : '');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}/r.json`;
      const page = await openViewer(`/viewer/?token=secret&replay=${encodeURIComponent(url)}`);
      await expect.poll(() => page.textContent('#verification')).toMatch(/^verified/);
      expect(seen).toEqual([undefined]);
      await page.close();
    } finally {
      other.close();
    }
  });

  it('opens from disk as static files (no server): a dropped replay re-simulates and verifies', async () => {
    const replay = await playOverHttp(TINY_ID, 23, (st) => tinyPlan((st as { goal: number }).goal));
    const page = await browser.newPage();
    await page.goto(`file://${viewerDir}/index.html`);
    await page.waitForFunction(() => (window as unknown as { viewer?: { ready: boolean } }).viewer?.ready === true, null, { timeout: 20_000 });
    await page.setInputFiles('#replay-file', { name: 'r.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(replay)) });
    await expect.poll(() => page.textContent('#verification')).toMatch(/^verified/);
    await page.click('#last');
    const expected = nodeFrames(replay);
    expect(Buffer.from(await canvasPixels(page)).equals(Buffer.from(expected[expected.length - 1]))).toBe(true);
    await page.close();
  });

  it('plays a level with the keyboard and saves the replay as agent "human"', async () => {
    const seed = 5;
    const env = make(TINY_ID);
    const goal = (env.reset({ seed }).observation.state as { goal: number }).goal;
    const page = await openViewer('/viewer/');
    await page.selectOption('#env-select', TINY_ID);
    await page.fill('#seed', String(seed));
    await page.click('#start-human');
    await page.locator('#frame').click();
    for (let i = 0; i < goal; i++) await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.textContent('#human-status')).toMatch(/saved as replay/);
    const list = await server.call<{ replays: { id: string; seed: number; success: boolean }[] }>('GET', `/v1/replays?agent=human&env=${TINY_ID}`);
    expect(list.body.replays.find((r) => r.seed === seed)?.success).toBe(true);
    await page.close();
  });

});

const KEY: Record<string, string> = { up: 'ArrowUp', down: 'ArrowDown', left: 'ArrowLeft', right: 'ArrowRight', noop: ' ' };

describe.skipIf(!HAVE_CHROMIUM || !envSpec('Sokoban-small-v0'))('viewer on Sokoban in headless Chromium', () => {
  it('a Sokoban replay played over HTTP: canvas pixels equal Node frames at every step', async () => {
    const seed = 31;
    const plan = sokobanPlan('Sokoban-small-v0', seed);
    // A wasted turn of nonsense first, so validity flags show up too.
    const replay = await playOverHttp('Sokoban-small-v0', seed, () => ['jump', ...plan]);
    // The invalid first turn plays Sokoban's no-op: one step penalty (-0.1) below optimal, so 99.5.
    expect(replay.result).toMatchObject({ success: true, score: 99.5 });
    const ids = await server.call<{ replays: { id: string; seed: number }[] }>('GET', '/v1/replays?env=Sokoban-small-v0&agent=browser-test');
    const page = await openViewer(`/viewer/?replay=/v1/replays/${ids.body.replays.find((r) => r.seed === seed)!.id}`);
    await expect.poll(() => page.textContent('#verification')).toMatch(/^verified/);
    const expected = nodeFrames(replay);
    for (let i = 0; i < expected.length; i++) {
      if (i > 0) await page.click('#next');
      const pixels = Buffer.from(await canvasPixels(page));
      expect(pixels.equals(Buffer.from(expected[i])), `step ${i}`).toBe(true);
      if (i === 1) expect(await page.textContent('#flags')).toMatch(/invalid/);
    }
    await page.close();
  });

  it('plays a Sokoban level to the end with the keyboard and finds the saved replay', async () => {
    const seed = 12;
    const plan = sokobanPlan('Sokoban-small-v0', seed);
    const page = await openViewer('/viewer/');
    await page.selectOption('#env-select', 'Sokoban-small-v0');
    await page.fill('#seed', String(seed));
    await page.click('#start-human');
    await page.locator('#frame').click();
    for (const move of plan) await page.keyboard.press(KEY[move]);
    await expect.poll(() => page.textContent('#human-status')).toMatch(/solved · saved as replay/);
    const list = await server.call<{ replays: { id: string; seed: number; success: boolean; score: number }[] }>(
      'GET',
      '/v1/replays?agent=human&env=Sokoban-small-v0',
    );
    const saved = list.body.replays.find((r) => r.seed === seed);
    expect(saved).toMatchObject({ success: true, score: 100 });
    const replay = await server.call<Replay>('GET', `/v1/replays/${saved!.id}`);
    expect(replay.body.steps.map((st) => st.parsed_actions[0])).toEqual(plan);
    await page.close();
  });
});

describe.skipIf(!HAVE_CHROMIUM || !envSpec('Football-3v1-keeper-v0'))('viewer on Football in headless Chromium', () => {
  it('a Football replay: canvas pixels equal Node frames (first turns and the last)', async () => {
    const moves = ['right', 'top_right', 'sprint', 'right', 'short_pass', 'right', 'bottom_right', 'shot'];
    const replay = await playOverHttp('Football-3v1-keeper-v0', 3, () => Array.from({ length: 400 }, (_, t) => moves[t % moves.length]));
    const ids = await server.call<{ replays: { id: string; seed: number }[] }>('GET', '/v1/replays?env=Football-3v1-keeper-v0&agent=browser-test');
    const page = await openViewer(`/viewer/?replay=/v1/replays/${ids.body.replays.find((r) => r.seed === 3)!.id}`);
    await expect.poll(() => page.textContent('#verification')).toMatch(/^verified/);
    const last = replay.steps.length;
    const expected = nodeFramesWhere(replay, (i) => i < 12 || i === last);
    const same = async (i: number) => Buffer.from(await canvasPixels(page)).equals(Buffer.from(expected.get(i)!));
    for (let i = 0; i < Math.min(12, last + 1); i++) {
      if (i > 0) await page.click('#next');
      expect(await same(i), `step ${i}`).toBe(true);
    }
    await page.click('#last');
    expect(await same(last)).toBe(true);
    await page.close();
  });
});
