/**
 * Hostile chat images and prompts against a real server on the tiny checkpoint, at bounded sizes
 * (the full-size cases are `scripts/hostile-images.ts`): while each is in flight, GET /v1/health answers within a
 * second and the process's RSS stays under 1 GB above its level before the request. The cases: a
 * PNG one pixel wide and 65,536 tall (resampling it used to be quadratic, on the event loop); a
 * second IHDR claiming 6000 x 6000 behind a 2 x 2 one (the size guard read only the first); image
 * data that inflates to 512 MiB behind a header that calls for 16 MiB; and, beside them, the
 * largest image the limits allow, which is answered. And a prompt of 8 MiB of text (tokenizing all
 * of it before the length check used to hold the loop and grow the heap).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePngFast } from '../../../envs/render/png-node.js';
import { startServer, type TestServer } from '../helpers.js';
import { chunk, dataUrl, encodePng, ihdr, pngFile, zerosZlib } from './png-files.js';

const GB = 2 ** 30;
/** How often health is asked while a hostile request is in flight. */
const POLL_MS = 25;

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ models: { tiny: 'assets/checkpoints/tiny' }, modelThreads: 1 });
  // The image worker starts with the first image: started here, so the cases time only themselves.
  expect((await send(encodePng({ width: 8, height: 8, depth: 8, colourType: 2, samples: new Uint8Array(192) }))).status).toBe(200);
});
afterAll(async () => s.close());

type ChatAnswer = { error?: { code: string; message: string } };
const chat = (body: object) => s.call<ChatAnswer>('POST', '/v1/chat/completions', body);
const send = (png: Buffer) =>
  chat({
    model: 'tiny',
    messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: dataUrl(png) } }, { type: 'text', text: 'x' }] }],
    max_tokens: 1,
  });

/**
 * The process's peak RSS since the last `resetPeakRss()` where Linux keeps it (VmHWM), which sees a
 * peak while the event loop is held; elsewhere null, and the samples taken between polls stand.
 */
function peakRss(): number | null {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

function resetPeakRss(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not Linux, or not allowed: peakRss() then still reads a peak at least as high.
  }
}

/**
 * Sends `png` and asks for health every POLL_MS until it is answered. A health answer's latency is
 * counted from when it was due, not sent: a loop held by the request delays the poll's own timer.
 */
async function inFlight(png: Buffer) {
  return inFlightRequest(() => send(png));
}

async function inFlightRequest(request: () => ReturnType<typeof chat>) {
  const idle = process.memoryUsage().rss;
  resetPeakRss();
  let peak = idle;
  let worstHealthMs = 0;
  let answered = false;
  const answer = request().finally(() => (answered = true));
  let due = performance.now();
  for (let polls = 0; !answered || polls < 2; polls++) {
    const res = await fetch(`${s.url}/v1/health`);
    expect(res.status).toBe(200);
    await res.text();
    worstHealthMs = Math.max(worstHealthMs, performance.now() - due);
    peak = Math.max(peak, process.memoryUsage().rss);
    due = performance.now() + POLL_MS;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const { status, body } = await answer;
  peak = Math.max(peak, peakRss() ?? 0);
  return { status, error: body.error, worstHealthMs, rssAboveIdle: peak - idle };
}

describe('hostile images', () => {
  it('a PNG 1 pixel wide and 65,536 tall', async () => {
    const r = await inFlight(encodePng({ width: 1, height: 65_536, depth: 8, colourType: 2, samples: new Uint8Array(3 * 65_536) }));
    expect(r.worstHealthMs).toBeLessThan(1000);
    expect(r.rssAboveIdle).toBeLessThan(GB);
    expect(r.status).toBe(400);
    expect(r.error).toMatchObject({ code: 'image_too_large', message: expect.stringContaining('4096 pixels a side') });
  });

  it('a second IHDR claiming 6000 x 6000 behind a 2 x 2 one', async () => {
    const r = await inFlight(pngFile(ihdr(2, 2, 8, 2), ihdr(6000, 6000), chunk('IDAT', zerosZlib(138)), chunk('IEND')));
    expect(r.worstHealthMs).toBeLessThan(1000);
    expect(r.rssAboveIdle).toBeLessThan(GB);
    expect(r.status).toBe(400);
    expect(r.error).toMatchObject({ code: 'invalid_image_format', message: expect.stringContaining('second IHDR') });
  });

  it('image data inflating to 512 MiB behind a 2048 x 2048 header', async () => {
    const r = await inFlight(pngFile(ihdr(2048, 2048), chunk('IDAT', zerosZlib(512)), chunk('IEND')));
    expect(r.worstHealthMs).toBeLessThan(1000);
    expect(r.rssAboveIdle).toBeLessThan(GB);
    expect(r.status).toBe(400);
    expect(r.error).toMatchObject({ code: 'invalid_image_format', message: expect.stringContaining('inflates past the 16779264 bytes') });
  });

  it('the largest image the limits allow is answered, health still within a second', async () => {
    const side = 2048;
    const data = new Uint8ClampedArray(side * side * 4);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251;
    const r = await inFlight(encodePngFast({ width: side, height: side, data }));
    expect(r.worstHealthMs).toBeLessThan(1000);
    expect(r.rssAboveIdle).toBeLessThan(GB);
    expect(r.status).toBe(200);
  });
});

describe('hostile prompts', () => {
  it('8 MiB of text in eight messages, far past the context', async () => {
    const content = (c: string) => c.repeat(2 ** 20);
    const r = await inFlightRequest(() => chat({ model: 'tiny', messages: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((c) => ({ role: 'user', content: content(c) })), max_tokens: 1 }));
    expect(r.worstHealthMs).toBeLessThan(1000);
    expect(r.rssAboveIdle).toBeLessThan(GB);
    expect(r.status).toBe(400);
    expect(r.error).toMatchObject({ code: 'context_length_exceeded' });
  });
});
