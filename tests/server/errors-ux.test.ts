/**
 * Server errors a person can act on: wrong media type, oversized body, wrong token, wrong method,
 * one style of field path; /metrics behind the token; GET of an instance re-reads its observation;
 * a Football reward logs its format reward.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerTinyGame, TINY_ID } from './fixtures/tiny-game.js';
import { startServer, type TestServer } from './helpers.js';

registerTinyGame();

let open: TestServer;
let guarded: TestServer;
beforeAll(async () => {
  open = await startServer({ bodyLimit: 4096 });
  guarded = await startServer({ token: 's3cret' });
});
afterAll(async () => Promise.all([open.close(), guarded.close()]));

const raw = (s: TestServer, method: string, path: string, body: string | undefined, headers: Record<string, string>) =>
  fetch(`${s.url}${path}`, { method, body, headers }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error: string; message: string } }));

describe('error messages', () => {
  it('415 says to send JSON', async () => {
    const r = await raw(open, 'POST', '/v1/instances', 'env_id=x', { 'content-type': 'text/plain' });
    expect(r.status).toBe(415);
    expect(r.body.message).toMatch(/send JSON.*content-type: application\/json/i);
  });

  it('413 states the limit', async () => {
    const r = await raw(open, 'POST', '/v1/instances', JSON.stringify({ env_id: TINY_ID, pad: 'x'.repeat(5000) }), { 'content-type': 'application/json' });
    expect(r.status).toBe(413);
    expect(r.body.message).toMatch(/4096 bytes/);
  });

  it('a "__proto__" key is refused saying where and why, not as invalid JSON; broken JSON is still invalid JSON', async () => {
    const json = { 'content-type': 'application/json' };
    const proto = await raw(open, 'POST', '/v1/instances', `{"env_id": "${TINY_ID}", "options": {"__proto__": {"max_steps": 1}}}`, json);
    expect(proto.status).toBe(400);
    expect(proto.body.message).toMatch(/^body\.options has the key "__proto__".*prototype.*rename or remove it/);
    const ctor = await raw(open, 'POST', '/v1/instances', `{"env_id": "${TINY_ID}", "constructor": {"prototype": {}}}`, json);
    expect(ctor.body.message).toMatch(/^body\.constructor has the key "prototype"/);
    const broken = await raw(open, 'POST', '/v1/instances', '{"env_id": ', json);
    expect(broken.status).toBe(400);
    expect(broken.body.message).toMatch(/not valid JSON/);
  });

  it('a wrong bearer token says "invalid token"; a missing one says how to send it', async () => {
    const wrong = await raw(guarded, 'GET', '/v1/envs', undefined, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toMatch(/invalid token/);
    const missing = await raw(guarded, 'GET', '/v1/envs', undefined, {});
    expect(missing.status).toBe(401);
    expect(missing.body.message).toMatch(/missing token.*Bearer <token>/);
  });

  it('a wrong method on a known path is a 405 with Allow', async () => {
    const r = await fetch(`${open.url}/v1/envs`, { method: 'DELETE' });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toMatch(/GET/);
    const body = (await r.json()) as { error: string; message: string };
    expect(body).toMatchObject({ error: 'method_not_allowed' });
    expect(body.message).toMatch(/DELETE \/v1\/envs.*GET/);
    const unknown = await fetch(`${open.url}/v1/nothing-here`);
    expect(unknown.status).toBe(404);
  });

  it('field paths in one style, indices in brackets: body.items[0].env_id, from the schema and from the pool', async () => {
    const r = await open.call<{ message: string }>('POST', '/v1/instances', { env_id: TINY_ID, options: { max_steps: 'many' } });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/^body\.options/);
    const nested = await open.call<{ message: string }>('POST', '/v1/batch/instances', { items: [{ env_id: 7 }] });
    expect(nested.status).toBe(400);
    expect(nested.body.message).toMatch(/^body\.items\[0\]\.env_id /);
    // A batch answers per item; the pool's message names the item in the same style.
    const pool = await open.call<{ results: { message?: string }[] }>('POST', '/v1/batch/instances', { items: [{ env_id: TINY_ID }, { env_id: 'Nope-v0' }] });
    expect(pool.body.results[1].message).toMatch(/^body\.items\[1\]\.env_id: unknown env id/);
  });
});

describe('guarded server', () => {
  it('/metrics needs the token when one is set', async () => {
    expect((await fetch(`${guarded.url}/metrics`)).status).toBe(401);
    const ok = await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer s3cret' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/# TYPE/);
    expect((await fetch(`${open.url}/metrics`)).status).toBe(200);
  });
});

describe('instances', () => {
  it('GET /v1/instances/:id re-reads the current observation', async () => {
    const c = await open.call<{ instance_id: string; observation: { state: { pos: number } } }>('POST', '/v1/instances', { env_id: TINY_ID, seed: 2 });
    const st = await open.call<{ terminated: boolean; truncated: boolean }>('POST', `/v1/instances/${c.body.instance_id}/step`, { action: 1 });
    const r = await open.call<{ instance_id: string; env_id: string; observation: { state: { pos: number } }; done: boolean }>('GET', `/v1/instances/${c.body.instance_id}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ instance_id: c.body.instance_id, env_id: TINY_ID, done: st.body.terminated || st.body.truncated });
    expect(r.body.observation.state.pos).toBe(c.body.observation.state.pos + 1);
    expect((await open.call('GET', '/v1/instances/nope')).status).toBe(404);
  });
});

describe('reward logs', () => {
  it('a well-formatted Football answer logs format_reward 0.5, not the 0 a mixed batch filled in', async () => {
    const football = JSON.stringify({ env_id: 'Football-empty-goal-close-v0', seed: 1, options: {} });
    const answers = ['<think>run at goal</think><answer>right, right, shot</answer>', 'right right shot'];
    const r = await open.call<{ extra_logs: Record<string, number[]> }>('POST', '/v1/reward', {
      query: [...answers, '<think>6 x 7</think><answer>42</answer>'],
      prompts: ['', '', 'What is 6 x 7?'],
      labels: [football, football, '42'],
    });
    expect(r.status).toBe(200);
    expect(r.body.extra_logs.format_reward).toEqual([0.5, 0, 0.5]);
  });
});
