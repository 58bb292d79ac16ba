/**
 * The viewer's layout and states in headless Chromium: empty state, favicon, a sidebar of fixed
 * width on Football, a title on one line at 1400 px, no sideways scroll at 800 px, human play
 * clearing the replay, the list showing a replay opened by URL, control glyphs the installed fonts
 * draw, and the shared key map (WASD). Screenshots go to VIEWER_SHOTS if set.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { agentByName, rolloutEpisode } from '../../agent/agents/index.js';
import { make } from '../../envs/index.js';
import { ReplayRecorder, type Replay } from '../../envs/replay/index.js';
import { buildViewer } from '../../viewer/build.js';
import { HAVE_CHROMIUM, launchChromium } from '../support/browser.js';
import { sokobanPlan } from '../server/fixtures/sokoban-plans.js';
import { startServer, type TestServer } from '../server/helpers.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let server: TestServer;
let browser: Browser;
let viewerDir: string;
let footballId: string;

async function footballReplay(): Promise<Replay> {
  let replay: Replay | null = null;
  const inner = make('Football-empty-goal-close-v0');
  const env = new ReplayRecorder(inner, { agent: { name: 'layout-test', model: null, config: {} }, onEpisodeEnd: (r) => (replay = r) });
  await rolloutEpisode(env, agentByName('heuristic', inner, 2), 2);
  if (!replay) throw new Error('the football episode did not end');
  return replay;
}

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  viewerDir = await mkdtemp(join(tmpdir(), 'viewer-layout-'));
  await buildViewer(viewerDir, { entry: join(import.meta.dirname, 'fixtures', 'viewer-entry.ts'), minify: false });
  server = await startServer({ viewerDir });
  browser = await launchChromium();
  const saved = await server.call<{ id: string }>('POST', '/v1/replays', await footballReplay());
  footballId = saved.body.id;
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (viewerDir) await rm(viewerDir, { recursive: true, force: true });
});

async function openViewer(path: string, width = 1400, height = 900): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  await page.goto(`${server.url}${path}`);
  await page.waitForFunction(() => (window as unknown as { viewer?: { ready: boolean } }).viewer?.ready === true, null, { timeout: 20_000 });
  return page;
}

const shot = async (page: Page, name: string) => {
  if (process.env.VIEWER_SHOTS) await page.screenshot({ path: join(process.env.VIEWER_SHOTS, `${name}.png`), fullPage: true });
};

describe.skipIf(!HAVE_CHROMIUM)('viewer layout', () => {
  it('empty state and favicon; the title on one line at 1400 px', async () => {
    const page = await openViewer('/viewer/');
    expect(await page.isVisible('#empty')).toBe(true);
    expect(await page.textContent('#empty')).toMatch(/press start to play it yourself/);
    expect(await page.isVisible('.controls')).toBe(false);
    expect(await page.getAttribute('link[rel=icon]', 'href')).toMatch(/^data:image\/svg\+xml/);
    // Lines of the title's text: distinct tops of its text boxes.
    const lines = await page.$eval('header h1', (el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top))).size;
    });
    expect(lines).toBe(1);
    await shot(page, 'empty-1400');
    await page.close();
  });

  it('Football replay opened by URL: fixed sidebar width across turns, the list shows it', async () => {
    const page = await openViewer(`/viewer/?replay=/v1/replays/${footballId}`);
    await expect.poll(() => page.textContent('#verification')).toMatch(/^verified/);
    expect(await page.isVisible('#empty')).toBe(false);
    expect(await page.$eval('#replay-list', (el) => (el as HTMLSelectElement).value)).toBe(footballId);
    const widths: number[] = [];
    for (let i = 0; i < 4; i++) {
      widths.push(await page.$eval('aside', (el) => el.getBoundingClientRect().width));
      await page.click('#next');
    }
    await page.click('#last');
    widths.push(await page.$eval('aside', (el) => el.getBoundingClientRect().width));
    expect(new Set(widths).size).toBe(1);
    expect(widths[0]).toBeGreaterThan(300);
    await shot(page, 'football-1400');
    await page.setViewportSize({ width: 800, height: 900 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(800);
    await shot(page, 'football-800');
    await page.close();
  });

  it('control glyphs are drawn by an installed font (no boxes)', async () => {
    const page = await openViewer(`/viewer/?replay=/v1/replays/${footballId}`);
    await page.click('#play');
    const labels = await page.$$eval('.controls button', (els) => els.map((e) => e.textContent ?? ''));
    const chars = [...new Set(labels.join('').split('').filter((c) => c.charCodeAt(0) > 127))];
    expect(chars.length).toBeGreaterThan(0);
    for (const c of chars) {
      const hex = c.codePointAt(0)!.toString(16).padStart(4, '0');
      expect(execFileSync('fc-list', [`:charset=${hex}`, 'family'], { encoding: 'utf8' }).trim(), `U+${hex} ${c}`).not.toBe('');
    }
    await page.close();
  });

  it('starting human play clears the replay; WASD plays Sokoban as in the terminal', async () => {
    const page = await openViewer(`/viewer/?replay=/v1/replays/${footballId}`);
    await expect.poll(() => page.textContent('#verification')).toMatch(/^verified/);
    const seed = 12;
    await page.selectOption('#env-select', 'Sokoban-small-v0');
    await page.fill('#seed', String(seed));
    await page.click('#start-human');
    expect(await page.textContent('#replay-title')).toBe('human play');
    expect(await page.textContent('#result')).toBe('');
    expect(await page.textContent('#verification')).toBe('');
    expect(await page.isVisible('.controls')).toBe(false);
    expect(await page.$eval('#replay-list', (el) => (el as HTMLSelectElement).value)).toBe('');
    expect(await page.textContent('#human-keys')).toMatch(/Up\/w up/);
    await page.locator('#frame').click();
    const WASD: Record<string, string> = { up: 'w', down: 's', left: 'a', right: 'd' };
    for (const move of sokobanPlan('Sokoban-small-v0', seed)) await page.keyboard.press(WASD[move]);
    await expect.poll(() => page.textContent('#human-status')).toMatch(/solved/);
    await shot(page, 'human-1400');
    await page.close();
  });
});
