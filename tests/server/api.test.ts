/** The HTTP API over a real loopback server, on the tiny test corridor (no wait for real games). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerTinyGame, TINY_ID, tinyPlan } from './fixtures/tiny-game.js';
import { startServer, type TestServer } from './helpers.js';

registerTinyGame();

interface Obs {
  text: string;
  state: { pos: number; goal: number };
  frame_url: string;
  image?: { base64: string; width: number; height: number };
}
interface Created {
  instance_id: string;
  seed: number;
  observation: Obs;
}
interface Stepped {
  observation: Obs;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Record<string, unknown>;
}

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ maxInstances: 16 });
});
afterAll(async () => s.close());

describe('instances over HTTP', () => {
  it('lists envs with spaces and options', async () => {
    const r = await s.call<{ envs: { id: string; spaces: { action: { n: number } }; options: Record<string, unknown> }[] }>('GET', '/v1/envs');
    expect(r.status).toBe(200);
    const tiny = r.body.envs.find((e) => e.id === TINY_ID);
    expect(tiny?.spaces.action.n).toBe(2);
    expect(tiny?.options.max_steps).toBe(20);
  });

  it('plays an episode with structured and raw-text actions, then saves it as a verified replay', async () => {
    const c = await s.call<Created>('POST', '/v1/instances?image=png', { env_id: TINY_ID, seed: 11, agent: { name: 'test-agent', model: 'm1' } });
    expect(c.status).toBe(200);
    expect(c.body.seed).toBe(11);
    expect(Buffer.from(c.body.observation.image!.base64, 'base64').subarray(1, 4).toString()).toBe('PNG');
    const id = c.body.instance_id;
    const plan = tinyPlan(c.body.observation.state.goal);
    let last: Stepped | null = null;
    for (const [i, move] of plan.entries()) {
      const action = i % 2 === 0 ? move : { text: `<think>the goal is right</think><answer>${move}</answer>` };
      const r = await s.call<Stepped>('POST', `/v1/instances/${id}/step`, { action });
      expect(r.status).toBe(200);
      expect(r.body.info.action_is_valid).toBe(true);
      last = r.body;
    }
    expect(last?.terminated).toBe(true);
    expect(typeof last?.info.score).toBe('number');
    const frame = await fetch(`${s.url}${last!.observation.frame_url}`);
    expect(frame.headers.get('content-type')).toBe('image/png');
    // Stepping a finished episode is a conflict, not a server error.
    expect((await s.call('POST', `/v1/instances/${id}/step`, { action: 1 })).status).toBe(409);

    await s.app.replays!.flush();
    const list = await s.call<{ replays: { id: string; agent: string; success: boolean }[] }>('GET', '/v1/replays?agent=test-agent');
    expect(list.body.replays).toHaveLength(1);
    expect(list.body.replays[0].success).toBe(true);
    const replay = await s.call<{ steps: unknown[]; seed: number; agent: { model: string } }>('GET', `/v1/replays/${list.body.replays[0].id}`);
    expect(replay.body.seed).toBe(11);
    expect(replay.body.agent.model).toBe('m1');
    expect(replay.body.steps).toHaveLength(plan.length);
    // Uploading it back verifies it again.
    const up = await s.call<{ verification: { ok: boolean } }>('POST', '/v1/replays', replay.body);
    expect(up.status).toBe(200);
    expect(up.body.verification.ok).toBe(true);
    const tampered = structuredClone(replay.body) as { steps: { reward: number }[] };
    tampered.steps[0].reward = 5;
    const bad = await s.call<{ message: string }>('POST', '/v1/replays', tampered);
    expect(bad.status).toBe(422);
    expect(bad.body.message).toMatch(/step 0: reward/);
    // A bare POST resets with a server-drawn seed.
    const again = await s.call<{ seed: number }>('POST', `/v1/instances/${id}/reset`);
    expect(again.status).toBe(200);
    expect(Number.isInteger(again.body.seed)).toBe(true);
    expect((await s.call('DELETE', `/v1/instances/${id}`)).status).toBe(200);
    expect((await s.call('DELETE', `/v1/instances/${id}`)).status).toBe(404);
  });

  it('batch create, reset and step many instances, with per-item errors', async () => {
    const made = await s.call<{ results: (Created & { status?: number })[] }>('POST', '/v1/batch/instances', {
      items: [...Array.from({ length: 8 }, (_, i) => ({ env_id: TINY_ID, seed: i })), { env_id: 'Nope-v0' }],
    });
    expect(made.body.results.map((r) => r.status ?? 200)).toEqual([...Array(8).fill(200), 400]);
    expect((made.body.results[8] as unknown as { message: string }).message).toMatch(/^body\.items\[8\]\.env_id: unknown env id/);
    const ids = made.body.results.slice(0, 8).map((r) => r.instance_id);
    const reset = await s.call<{ results: { seed: number; observation: Obs }[] }>('POST', '/v1/batch/reset', {
      items: ids.map((instance_id, i) => ({ instance_id, seed: 100 + i })),
    });
    expect(reset.body.results.map((r) => r.seed)).toEqual(ids.map((_, i) => 100 + i));
    const goals = reset.body.results.map((r) => r.observation.state.goal);
    const done = new Set<number>();
    for (let t = 0; done.size < ids.length && t < 64; t++) {
      const live = ids.map((id, i) => ({ id, i })).filter(({ i }) => !done.has(i));
      const r = await s.call<{ results: Stepped[] }>('POST', '/v1/batch/step', {
        items: live.map(({ id }) => ({ instance_id: id, action: { text: '<answer>Right</answer>' } })),
      });
      expect(r.status).toBe(200);
      r.body.results.forEach((res, k) => {
        if (res.terminated) {
          done.add(live[k].i);
          expect(res.observation.state.pos).toBe(goals[live[k].i]);
        }
      });
    }
    expect(done.size).toBe(ids.length);
    const mixed = await s.call<{ results: Record<string, unknown>[] }>('POST', '/v1/batch/step', {
      items: [{ instance_id: 'nope', action: 0 }, { instance_id: ids[0], action: 0 }],
    });
    expect(mixed.body.results.map((r) => r.status)).toEqual([404, 409]);
    for (const id of ids) await s.call('DELETE', `/v1/instances/${id}`);
  });
});

describe('hardening', () => {
  it('names the field in 400s and never answers 5xx for client mistakes', async () => {
    const cases: [unknown, RegExp][] = [
      [{}, /body is missing the field "env_id"/],
      [{ env_id: 3 }, /body\.env_id must be string/],
      [{ env_id: 'Nope-v0' }, /body\.env_id: unknown env id/],
      [{ env_id: TINY_ID, options: { length: 'x' } }, /body\.options: .*length/],
      [{ env_id: TINY_ID, seed: 1e300 }, /body\.seed/],
      [{ env_id: TINY_ID, typo: 1 }, /unknown field "typo"/],
    ];
    for (const [body, message] of cases) {
      const r = await s.call<{ error: string; message: string }>('POST', '/v1/instances', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.message).toMatch(message);
    }
    const c = await s.call<Created>('POST', '/v1/instances', { env_id: TINY_ID });
    const step = await s.call<{ message: string }>('POST', `/v1/instances/${c.body.instance_id}/step`, { action: true });
    expect(step.body.message).toMatch(/^body\.action must be an action index, an action name/);
    expect((await s.call('POST', `/v1/instances/${c.body.instance_id}/step`, '{"action":')).status).toBe(400);
    // Lengths count UTF-16 units, as the replay schema does: 40,000 emoji are 80,000 of them, more
    // than a replay step's text may hold, so the turn is refused rather than saved unreadable.
    expect((await s.call('POST', `/v1/instances/${c.body.instance_id}/step`, { action: { text: '😀'.repeat(40_000) } })).status).toBe(400);
    expect((await s.call('POST', `/v1/instances/${c.body.instance_id}/step`, { action: 'x'.repeat(2 << 20) })).status).toBe(413);
    expect((await s.call('GET', '/v1/nothing')).status).toBe(404);
    // Free-form JSON nested a hundred thousand deep is refused up front, wherever it is sent.
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const bodies: [string, string][] = [
      ['/v1/instances', `{"env_id":"${TINY_ID}","options":{"length":${deep}}}`],
      ['/v1/instances', `{"env_id":"${TINY_ID}","agent":{"name":"a","config":{"x":${deep}}}}`],
      ['/v1/reward', `{"query":["x"],"labels":[{"env_id":"${TINY_ID}","options":{"length":${deep}}}]}`],
      ['/v1/replays', `{"version":1,"env_id":"${TINY_ID}","options":${deep}}`],
    ];
    for (const [path, body] of bodies) {
      const r = await s.call<{ message: string }>('POST', path, body);
      expect(r.status, `${path} ${body.slice(0, 80)}`).toBe(400);
    }
    // The same depth inside a label's JSON text is that sample's error (a batch is never failed for
    // one bad label), or the 400 in strict mode.
    const label = `{"query":["x"],"labels":["{\\"env_id\\":\\"${TINY_ID}\\",\\"options\\":{\\"length\\":${deep}}}"]`;
    const soft = await s.call<{ rewards: number[]; errors: { index: number; message: string }[] }>('POST', '/v1/reward', `${label}}`);
    expect(soft.status).toBe(200);
    expect(soft.body.rewards).toEqual([0]);
    expect(soft.body.errors[0].message).toMatch(/nest deeper than/);
    expect((await s.call('POST', '/v1/reward', `${label},"strict":true}`)).status).toBe(400);
    await s.call('DELETE', `/v1/instances/${c.body.instance_id}`);
  });

  it('keeps answering while a batch of costly resets runs', async () => {
    const c = await s.call<Created>('POST', '/v1/instances', { env_id: 'Sokoban-huge-v0', seed: 0 });
    const id = c.body.instance_id;
    const done: string[] = [];
    // About 30 ms of level generation per reset: seconds of work in one request.
    const items = Array.from({ length: 64 }, (_, i) => ({ instance_id: id, seed: i }));
    const batch = s.call<{ results: { seed: number }[] }>('POST', '/v1/batch/reset', { items }).then((r) => (done.push('batch'), r));
    await new Promise((r) => setTimeout(r, 200));
    const health = await s.call('GET', '/v1/health');
    done.push('health');
    expect(health.status).toBe(200);
    const reset = await batch;
    expect(reset.body.results.map((r) => r.seed)).toEqual(items.map((it) => it.seed));
    expect(done).toEqual(['health', 'batch']);
    await s.call('DELETE', `/v1/instances/${id}`);
  });

  it('answers 503 with Retry-After when the instance limit is reached', async () => {
    const ids: string[] = [];
    for (;;) {
      const r = await s.call<Created>('POST', '/v1/instances', { env_id: TINY_ID });
      if (r.status !== 200) {
        expect(r.status).toBe(503);
        expect(r.headers.get('retry-after')).toBe('5');
        break;
      }
      ids.push(r.body.instance_id);
    }
    expect(s.app.instances.size).toBe(16);
    for (const id of ids) await s.call('DELETE', `/v1/instances/${id}`);
  });

  it('health, metrics and the OpenAPI document', async () => {
    expect((await s.call<{ status: string }>('GET', '/v1/health')).body.status).toBe('ok');
    const metrics = await s.call<string>('GET', '/metrics');
    expect(metrics.body).toMatch(/envserver_steps_total \d+/);
    expect(metrics.body).toMatch(/envserver_request_seconds_bucket\{method="POST",route="\/v1\/instances\/:id\/step",le="0.001"\}/);
    const doc = await s.call<{ paths: Record<string, unknown> }>('GET', '/docs/json');
    for (const path of ['/v1/envs', '/v1/instances', '/v1/instances/{id}/step', '/v1/batch/step', '/v1/reward', '/v1/replays']) {
      expect(doc.body.paths, path).toHaveProperty([path]);
    }
    expect((await fetch(`${s.url}/docs`)).status).toBeLessThan(400);
    // The viewer's short address keeps its query (?replay=, ?token=).
    const viewer = await fetch(`${s.url}/viewer?replay=/v1/replays/x&token=t`, { redirect: 'manual' });
    expect(viewer.headers.get('location')).toBe('/viewer/?replay=/v1/replays/x&token=t');
  });
});

describe('token and idle eviction', () => {
  it('needs the bearer token on /v1 and evicts idle instances', async () => {
    const t = await startServer({ token: 'sesame', idleTimeoutMs: 50 });
    try {
      expect((await t.call('GET', '/v1/health')).status).toBe(401);
      expect((await t.call('GET', '/v1/health', undefined, { authorization: 'Bearer wrong' })).status).toBe(401);
      const auth = { authorization: 'Bearer sesame' };
      expect((await t.call('GET', '/v1/health', undefined, auth)).status).toBe(200);
      // OpenRLHF's reward client sends no header of its own: http://rm:<token>@host/... gives Basic auth.
      const basic = (userPass: string) => ({ authorization: `Basic ${Buffer.from(userPass).toString('base64')}` });
      expect((await t.call('POST', '/v1/reward', { query: ['x'], labels: ['1'] }, basic('rm:sesame'))).status).toBe(200);
      expect((await t.call('POST', '/v1/reward', { query: ['x'], labels: ['1'] }, basic('rm:wrong'))).status).toBe(401);
      expect((await t.call('GET', '/v1/health', undefined, basic('sesame'))).status).toBe(401);
      // Metrics are behind the token too when one is set.
      expect((await t.call('GET', '/metrics')).status).toBe(401);
      expect((await t.call('GET', '/metrics', undefined, auth)).status).toBe(200);
      // Percent-escaped paths reach the same handlers, and need the token as much.
      for (const path of ['/%761/envs', '/v%31/health', '/%6detrics', '/%76%31/instances/x/frame.png']) expect((await t.call('GET', path)).status, path).toBe(401);
      const c = await t.call<Created>('POST', '/v1/instances', { env_id: TINY_ID }, auth);
      // The server's own timer closes it (it looks at least once a second).
      await expect.poll(() => t.app.instances.size, { timeout: 5000, interval: 100 }).toBe(0);
      expect(t.app.metrics.evictionsTotal).toBe(1);
      expect((await t.call('POST', `/v1/instances/${c.body.instance_id}/step`, { action: 0 }, auth)).status).toBe(404);
    } finally {
      await t.close();
    }
  });
});
