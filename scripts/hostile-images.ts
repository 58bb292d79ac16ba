/**
 * `npm run bench:hostile [-- --timeout 120 --only tall,ihdr-1.4mb]`: hostile chat images and
 * prompts at full size, each against a fresh server process (`serve --model tiny=assets/checkpoints/tiny`), as a
 * client would send them. For each case it prints the answer (status and error code), how long it
 * took, the worst GET /v1/health latency while it was in flight (health asked every 50 ms, from
 * this process, whose event loop the server cannot hold), and the server's peak RSS above its idle
 * level (Linux: /proc; elsewhere not measured).
 *
 *   tall         a PNG 1 pixel wide and 4,194,304 tall (an 11 KB body, inside the pixel limit)
 *   ihdr-1.4mb   a 2 x 2 IHDR, then a second one claiming 8000 x 8000, image data inflating to 1 GiB
 *   ihdr-4.2mb   the same with 3 GiB
 *   ihdr-16mb    the same with 12 GiB, in a body just under the 16 MiB chat body limit
 *   bomb-4.2mb   one 2048 x 2048 IHDR (inside every limit), image data inflating to 3 GiB
 *   largest      a real 2048 x 2048 RGBA image, the largest the default limits allow (answered)
 *   prompt-15mb  15 user messages of 1 MiB of text each (no image), far past the context
 *
 * The acceptance: health within 1 s and RSS under 1 GB above idle while each is in flight. A case
 * the server does not answer within --timeout seconds is reported as such and its server killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { Command } from 'commander';
import { constants, deflateRawSync, deflateSync } from 'node:zlib';
import { ihdrChunk, pngChunk, pngFile, zerosZlib } from '../envs/render/png-bytes-node.js';
import { encodePngFast } from '../envs/render/png-node.js';
import { parsePositive } from '../envs/node/cli-options.js';

const MODEL = 'tiny=assets/checkpoints/tiny';
const HEALTH_EVERY_MS = 50;
const RSS_EVERY_MS = 20;
const MIB = 2 ** 20;

// --- PNG files, byte by byte ---

/** MiB of zeros whose stream makes a request body of about `bodyBytes` (base64 is 4/3 of the file). */
const mibForBody = (bodyBytes: number) => Math.round((bodyBytes * 3) / 4 / (deflateRawSync(Buffer.alloc(MIB), { finishFlush: constants.Z_FULL_FLUSH }).length));

function secondHeader(bodyBytes: number): Buffer {
  return pngFile(ihdrChunk(2, 2, 8, 2), ihdrChunk(8000, 8000, 8, 6), pngChunk('IDAT', zerosZlib(mibForBody(bodyBytes))), pngChunk('IEND'));
}

function largest(): Buffer {
  const side = 2048;
  const data = new Uint8ClampedArray(side * side * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251;
  return encodePngFast({ width: side, height: side, data });
}

/** A prompt of `messages` user messages of `mib` MiB of text each: only its size is hostile. */
const longPrompt = (messages: number, mib: number) =>
  JSON.stringify({ model: 'tiny', messages: Array.from({ length: messages }, (_, i) => ({ role: 'user', content: String.fromCharCode(97 + (i % 26)).repeat(mib * MIB) })), max_tokens: 1 });

/** Each case's request body. */
const CASES: Record<string, () => string> = {
  // Grey, one byte a row and its filter byte: 8 MiB of zeros that deflate to 8 KB.
  tall: () => chatBody(pngFile(ihdrChunk(1, 4_194_304, 8, 0), pngChunk('IDAT', deflateSync(Buffer.alloc(2 * 4_194_304))), pngChunk('IEND'))),
  'ihdr-1.4mb': () => chatBody(secondHeader(1.4e6)),
  'ihdr-4.2mb': () => chatBody(secondHeader(4.2e6)),
  'ihdr-16mb': () => chatBody(secondHeader(16.7e6)),
  'bomb-4.2mb': () => chatBody(pngFile(ihdrChunk(2048, 2048, 8, 6), pngChunk('IDAT', zerosZlib(mibForBody(4.2e6))), pngChunk('IEND'))),
  largest: () => chatBody(largest()),
  'prompt-15mb': () => longPrompt(15, 1),
};

// --- the server process ---

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** RSS of a process, and its peak since the last reset (Linux); null where /proc is not there. */
function rss(pid: number): { now: number; peak: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) * 1024;
    return { now: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return null;
  }
}

function resetPeak(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Not Linux, or not allowed: the samples taken every RSS_EVERY_MS stand alone.
  }
}

async function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [...process.execArgv, 'server/main.ts', '--host', '127.0.0.1', '--port', String(port), '--model', MODEL, '--no-replays', '--quiet'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let t = 0; t < 600; t++) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode} before it answered`);
    try {
      if ((await fetch(`${url}/v1/health`)).ok) return { child, url };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the server did not answer /v1/health within 60 s of starting');
}

const chatBody = (file: Buffer) =>
  JSON.stringify({
    model: 'tiny',
    messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${file.toString('base64')}` } }, { type: 'text', text: 'x' }] }],
    max_tokens: 1,
  });

const post = (url: string, body: string, signal?: AbortSignal) =>
  fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal });

interface Figures {
  name: string;
  bodyBytes: number;
  answer: string;
  seconds: number;
  worstHealthMs: number;
  healthPolls: number;
  rssIdleMiB: number | null;
  rssAboveIdleMiB: number | null;
}

async function runCase(name: string, timeoutS: number): Promise<Figures> {
  const body = CASES[name]();
  const { child, url } = await startServer();
  const pid = child.pid!;
  try {
    // A small image first, so that whatever the server starts for images is running and counted idle.
    const warm = pngFile(ihdrChunk(8, 8, 8, 2), pngChunk('IDAT', deflateSync(Buffer.alloc(8 * 25))), pngChunk('IEND'));
    await (await post(url, chatBody(warm))).text();
    await new Promise((r) => setTimeout(r, 500));
    const idle = rss(pid)?.now ?? null;
    resetPeak(pid);
    let peak = idle ?? 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rss(pid)?.now ?? 0)), RSS_EVERY_MS);

    const t0 = performance.now();
    const deadline = t0 + timeoutS * 1000;
    let answer = '';
    let done = false;
    const request = post(url, body, AbortSignal.timeout(timeoutS * 1000))
      .then(async (res) => {
        const text = await res.text();
        let code = '';
        try {
          code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? '';
        } catch {
          // not JSON
        }
        answer = `${res.status}${code ? ` ${code}` : ''}`;
      })
      .catch((e: Error) => (answer = e.name === 'TimeoutError' ? `no answer in ${timeoutS} s` : `failed: ${e.message}`))
      .finally(() => (done = true));
    let worst = 0;
    let polls = 0;
    while (!done || polls === 0) {
      const sent = performance.now();
      try {
        const res = await fetch(`${url}/v1/health`, { signal: AbortSignal.timeout(Math.max(1, Math.ceil(deadline - sent))) });
        await res.text();
        if (!res.ok) throw new Error(`GET /v1/health answered ${res.status}`);
      } catch (e) {
        // Held past the deadline, its latency is that wait; any other failure is no measurement.
        if ((e as Error).name !== 'TimeoutError') throw e;
      }
      worst = Math.max(worst, performance.now() - sent);
      polls++;
      if (performance.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, HEALTH_EVERY_MS));
    }
    await request;
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const last = rss(pid);
    if (last) peak = Math.max(peak, last.peak);
    return {
      name,
      bodyBytes: body.length,
      answer,
      seconds,
      worstHealthMs: worst,
      healthPolls: polls,
      rssIdleMiB: idle === null ? null : idle / MIB,
      rssAboveIdleMiB: idle === null ? null : (peak - idle) / MIB,
    };
  } finally {
    child.kill('SIGKILL');
  }
}

async function main(): Promise<void> {
  const o = new Command()
    .name('bench:hostile')
    .description('hostile chat images against a fresh tiny-model server each: health latency and RSS while in flight')
    .option('--timeout <s>', 'give up on a case after this many seconds (its server is killed)', parsePositive, 120)
    .option('--only <names>', `comma-separated cases of ${Object.keys(CASES).join(', ')}`)
    .parse()
    .opts<{ timeout: number; only?: string }>();
  const names = o.only ? o.only.split(',') : Object.keys(CASES);
  for (const n of names) if (!(n in CASES)) throw new Error(`unknown case ${n}: expected ${Object.keys(CASES).join(', ')}`);
  const f = (x: number | null, digits = 0) => (x === null ? 'n/a' : x.toFixed(digits));
  console.log('case          body       answer                      time s   worst health ms   polls   idle RSS MiB   peak above idle MiB');
  let ok = true;
  for (const name of names) {
    const r = await runCase(name, o.timeout);
    const pass = r.worstHealthMs < 1000 && (r.rssAboveIdleMiB === null || r.rssAboveIdleMiB < 1024);
    ok &&= pass;
    console.log(
      `${r.name.padEnd(13)} ${`${(r.bodyBytes / 1e6).toFixed(2)} MB`.padStart(8)}   ${r.answer.padEnd(26)} ${f(r.seconds, 2).padStart(7)}   ${f(r.worstHealthMs, 1).padStart(15)}   ${String(r.healthPolls).padStart(5)}   ${f(r.rssIdleMiB).padStart(12)}   ${f(r.rssAboveIdleMiB).padStart(19)}${pass ? '' : '   over the limits (1 s, 1 GB)'}`,
    );
  }
  process.exitCode = ok ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
