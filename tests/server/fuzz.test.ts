/**
 * Fuzz: 10,000+ malformed or random requests against the real server (bad JSON, wrong types, huge
 * numbers, unknown ids, oversized bodies, random action strings, random routes and methods). No
 * answer may be a 5xx, the server must stay up, and its heap must stay bounded.
 */
import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRng, type Rng } from '../../envs/index.js';
import { registerTinyGame, TINY_ID } from './fixtures/tiny-game.js';
import { startServer, type TestServer } from './helpers.js';

registerTinyGame();

// Two runs of half the requests each (other streams of the same generator): the same coverage,
// and no single test of more than a few seconds.
const REQUESTS = 5_250;
const CONCURRENCY = 32;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapMiB(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

interface Req {
  method: string;
  path: string;
  body?: string;
  type?: string;
}

const ENV_IDS = [TINY_ID, 'Sokoban-small-v0', 'Nope-v0', '', 'x'.repeat(300)];
const JUNK_JSON = ['{', '{"a":', '[1,2', 'nul', '{"__proto__": {"x": 1}}', '{"constructor": {"prototype": {}}}', '\u0000', '"str"', '1e999', '{}}'];

function randomValue(rng: Rng, pool: unknown[]): unknown {
  const pick = rng.int(10);
  if (pick === 0) return rng.pick([1e308, -1e308, 2 ** 53 + 1, -0, 0.5, Number.MAX_SAFE_INTEGER, -1]);
  if (pick === 1) return 'x'.repeat(rng.int(5000));
  return rng.pick(pool);
}

function makeRequest(rng: Rng, ids: string[], pool: unknown[], actions: string[]): Req {
  const id = rng.int(4) === 0 ? rng.pick(['nope', '../../etc', '%00', 'a'.repeat(100)]) : ids.length > 0 ? rng.pick(ids) : 'none';
  const json = (v: unknown) => ({ body: JSON.stringify(v), type: 'application/json' });
  const action = () =>
    rng.pick<unknown>([
      rng.pick(actions),
      { text: rng.pick(actions) },
      { text: randomValue(rng, pool) },
      [rng.pick(actions), randomValue(rng, pool)],
      randomValue(rng, pool),
      rng.int(20) - 5,
    ]);
  switch (rng.int(14)) {
    case 0:
      return { method: 'POST', path: '/v1/instances', ...json({ env_id: rng.int(2) === 0 ? TINY_ID : rng.pick(ENV_IDS), seed: randomValue(rng, pool), options: rng.pick([{}, { length: randomValue(rng, pool) }, randomValue(rng, pool)]) }) };
    case 1:
      return { method: 'POST', path: '/v1/instances', ...json(randomValue(rng, pool)) };
    case 2:
    case 3:
      return { method: 'POST', path: `/v1/instances/${id}/step${rng.pick(['', '?image=png', '?image=jpg', '?x=1'])}`, ...json({ action: action() }) };
    case 4:
      return { method: 'POST', path: `/v1/instances/${id}/reset`, ...json(rng.pick<unknown>([{ seed: randomValue(rng, pool) }, {}, randomValue(rng, pool)])) };
    case 5:
      return { method: 'POST', path: '/v1/batch/step', ...json({ items: Array.from({ length: rng.int(8) }, () => ({ instance_id: rng.pick([...ids, 'nope']), action: action() })) }) };
    case 6:
      return { method: 'POST', path: '/v1/batch/reset', ...json(rng.pick<unknown>([{ items: [{ instance_id: id, seed: randomValue(rng, pool) }] }, { items: randomValue(rng, pool) }])) };
    case 7:
      return { method: rng.pick(['POST', 'PUT', 'PATCH']), path: rng.pick(['/v1/instances', `/v1/instances/${id}/step`, '/v1/reward', '/v1/replays']), body: rng.pick(JUNK_JSON), type: rng.pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) };
    case 8:
      return { method: 'POST', path: '/v1/reward', ...json({ query: rng.pick<unknown>([['a'], [1], 'a', randomValue(rng, pool)]), labels: rng.pick<unknown>([['1'], ['{"env_id":"Sokoban-small-v0","seed":1}'], ['{"env_id":"Nope"}'], [randomValue(rng, pool)]]) }) };
    case 9:
      return { method: 'POST', path: '/v1/replays', ...json(rng.pick<unknown>([randomValue(rng, pool), { version: 1, env_id: TINY_ID, steps: [randomValue(rng, pool)] }])) };
    case 10:
      return { method: rng.pick(['GET', 'DELETE', 'HEAD', 'OPTIONS']), path: rng.pick([`/v1/instances/${id}`, `/v1/instances/${id}/frame.png`, `/v1/replays/${id}`, '/v1/replays?limit=abc', '/v1/replays?env=' + encodeURIComponent(String(randomValue(rng, pool))), '/v1/envs', '/nothing/at/all']) };
    case 11:
      // Oversized bodies: rarely, since each costs megabytes.
      return rng.int(20) === 0
        ? { method: 'POST', path: rng.pick(['/v1/instances', `/v1/instances/${id}/step`]), body: `{"action":"${'a'.repeat(2 << 20)}"}`, type: 'application/json' }
        : { method: 'POST', path: `/v1/instances/${id}/step`, ...json({ action: { text: 'x'.repeat(70_000) } }) };
    case 12:
      return { method: 'POST', path: `/v1/instances/${id}/step`, ...json({ action: action(), extra: randomValue(rng, pool) }) };
    default:
      return rng.int(3) === 0 ? { method: 'DELETE', path: `/v1/instances/${id}` } : { method: 'POST', path: '/v1/instances', ...json({ env_id: TINY_ID, seed: rng.int(100) }) };
  }
}

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ maxInstances: 20_000 });
});
afterAll(async () => s.close());

describe('fuzz', () => {
  it.each(['fuzz', 'fuzz-2'])(`answers ${REQUESTS} random and malformed requests (stream %s) without a 5xx, stays up, heap bounded`, async (stream) => {
    const pool = fc.sample(fc.jsonValue(), { numRuns: 300, seed: 42 }) as unknown[];
    const actions = fc.sample(fc.string({ maxLength: 40 }), { numRuns: 200, seed: 7 }).concat(['left', 'Right', '<answer>right</answer>', 'up, down', '']);
    const rng = makeRng(stream);
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await s.call<{ instance_id: string }>('POST', '/v1/instances', { env_id: TINY_ID })).body.instance_id);

    let lastId = '';
    // Warm up (JIT, caches), then measure the heap across the whole run.
    for (let i = 0; i < 300; i++) await send(makeRequest(rng, ids, pool, actions));
    const before = heapMiB();
    const statuses = new Map<number, number>();
    const fivexx: string[] = [];
    let next = 0;
    async function worker(): Promise<void> {
      while (next < REQUESTS) {
        next++;
        const req = makeRequest(rng, ids, pool, actions);
        const status = await send(req);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 500) fivexx.push(`${status} ${req.method} ${req.path} ${req.body?.slice(0, 200)}`);
        // Keep live instances around for the fuzzer to hit, and forget deleted ones.
        if (req.path === '/v1/instances' && status === 200 && ids.length < 64) ids.push(lastId);
        const gone = req.method === 'DELETE' && status === 200 ? ids.indexOf(req.path.split('/')[3]) : -1;
        if (gone >= 0) ids.splice(gone, 1);
      }
    }
    async function send(req: Req): Promise<number> {
      const res = await fetch(`${s.url}${req.path}`, { method: req.method, body: req.body, headers: req.type ? { 'content-type': req.type } : {} });
      const text = await res.text();
      if (req.path === '/v1/instances' && res.status === 200) lastId = (JSON.parse(text) as { instance_id: string }).instance_id;
      if (res.status >= 400 && res.status !== 405 && req.method !== 'HEAD') {
        const body = JSON.parse(text) as { error?: unknown; message?: unknown };
        expect(typeof body.error, text).toBe('string');
        expect(typeof body.message, text).toBe('string');
      }
      return res.status;
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const after = heapMiB();
    console.log(`fuzz: ${next} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}, heap ${before.toFixed(1)} -> ${after.toFixed(1)} MiB, ${s.app.instances.size} instances`);
    expect(fivexx).toEqual([]);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(REQUESTS);
    expect((await s.call<{ status: string }>('GET', '/v1/health')).body.status).toBe('ok');
    // Bounded: live instances and replays in the index are the only growth, both small.
    expect(after - before).toBeLessThan(64);
  }, 240_000); // thousands of requests on a shared 2-core machine: minutes, not the default 60 s
});
