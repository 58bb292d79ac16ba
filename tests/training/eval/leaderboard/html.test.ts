/**
 * The HTML leaderboard in headless Chromium: it loads without errors, sorts by a clicked column,
 * and a replay link opens the viewer on that very episode (title, seed, verified). The viewer
 * and the leaderboard directory are served by one small static server, as a deployment would.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runLeaderboard } from '../../../../training/eval/leaderboard/runner.js';
import { buildViewer } from '../../../../viewer/build.js';
import { HAVE_CHROMIUM, launchChromium } from '../../../support/browser.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };
let root: string;
let server: Server;
let base: string;
let browser: Browser;

/** `/viewer/...` from the viewer build, `/board/...` from the leaderboard output. */
function serve(viewerDir: string, boardDir: string): Promise<Server> {
  const s = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const [dir, rest] = url.pathname.startsWith('/viewer/') ? [viewerDir, url.pathname.slice(8)] : url.pathname.startsWith('/board/') ? [boardDir, url.pathname.slice(7)] : [null, ''];
    const rel = normalize(decodeURIComponent(rest) || 'index.html');
    if (!dir || rel.startsWith('..')) return void res.writeHead(404).end();
    try {
      const body = readFileSync(join(dir, rel));
      res.writeHead(200, { 'content-type': TYPES[extname(rel)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)));
}

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  root = mkdtempSync(join(tmpdir(), 'board-html-'));
  await runLeaderboard({ agents: ['idle', 'oracle'], suite: 'quick', out: join(root, 'board'), viewer: '/viewer/' });
  await buildViewer(join(root, 'viewer'), { minify: false });
  server = await serve(join(root, 'viewer'), join(root, 'board'));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r(null)));
  if (root) rmSync(root, { recursive: true, force: true });
});

describe.skipIf(!HAVE_CHROMIUM)('leaderboard.html in Chromium', () => {
  it('loads, sorts by score, and a replay link opens the viewer on that episode', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/board/leaderboard.html`);
    expect(await page.locator('#board tbody tr').count()).toBe(2 * 5);

    const scores = () => page.$$eval('#board tbody tr', (rows) => rows.map((r) => Number((r as HTMLTableRowElement).cells[3].dataset.v)));
    await page.click('th[data-col="3"]');
    const down = await scores();
    expect(down).toEqual([...down].sort((a, b) => b - a));
    await page.click('th[data-col="3"]');
    const up = await scores();
    expect(up).toEqual([...up].sort((a, b) => a - b));
    expect(up).not.toEqual(down);

    // The oracle's Sokoban episode with seed 3, opened from its link.
    const row = page.locator('tr[data-agent="oracle"][data-entry="sokoban-small-global"]');
    await row.locator('summary').click();
    const link = row.locator('a.replay[data-seed="3"]');
    const href = await link.getAttribute('href');
    expect(href).toMatch(/^\/viewer\/\?replay=/);
    await link.click();
    await page.waitForFunction(() => (window as unknown as { viewer?: { ready: boolean } }).viewer?.ready === true, null, { timeout: 30_000 });
    await expect.poll(() => page.textContent('#replay-title')).toContain('Sokoban-small-v0 · seed 3 · oracle');
    expect(await page.textContent('#verification')).toMatch(/^verified/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
