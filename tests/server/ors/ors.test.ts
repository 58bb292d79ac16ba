/** The ORS façade on a real loopback server: discovery, a session played to its end, and bad input. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELD_OUT_SEED, SPLIT_TASKS, TRAIN_SEED_BASE, TRAIN_SEED_LIMIT } from '../../../envs/core/splits.js';
import { EVAL_SEED } from '../../../training/eval/evaluate.js';
import { startServer, type TestServer } from '../helpers.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ maxInstances: 4 });
});
afterAll(async () => {
  await server.close();
});

const MOVES = ['up', 'right', 'down', 'left', 'left', 'down'];
const say = (i: number) => `<think>step ${i}</think><answer>${MOVES[i % MOVES.length]}</answer>`;

/** POST and read the SSE answer: the events in order and the joined chunk/end data as JSON. */
async function callTool(sid: string, env: string, body: unknown): Promise<{ status: number; events: string[]; result: any; raw: string }> {
  const res = await fetch(`${server.url}/ors/${env}/call`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-session-id': sid },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const raw = await res.text();
  if (!res.headers.get('content-type')?.startsWith('text/event-stream')) return { status: res.status, events: [], result: JSON.parse(raw), raw };
  const events: string[] = [];
  let data = '';
  for (const block of raw.split('\r\n\r\n')) {
    if (!block) continue;
    const lines = block.split('\r\n');
    const event = lines.find((l) => l.startsWith('event: '))!.slice(7);
    events.push(event);
    if (event === 'chunk' || event === 'end') data += lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
  }
  return { status: res.status, events, result: JSON.parse(data), raw };
}

const ors = (method: string, path: string, body?: unknown, sid?: string) => server.call<any>(method, `/ors${path}`, body, sid ? { 'x-session-id': sid } : {});

describe('ORS splits', () => {
  it('the test split is the held-out evaluation seeds, disjoint from training starts', () => {
    expect(HELD_OUT_SEED).toBe(EVAL_SEED);
    expect(TRAIN_SEED_BASE + SPLIT_TASKS).toBeLessThan(TRAIN_SEED_LIMIT);
    expect(HELD_OUT_SEED).toBeGreaterThanOrEqual(TRAIN_SEED_LIMIT);
  });
});

describe('ORS façade', () => {
  it('lists environments, splits, tools and tasks', async () => {
    expect((await ors('GET', '/health')).body).toEqual({ status: 'ok' });
    const envs = (await ors('GET', '/list_environments')).body as string[];
    expect(envs).toContain('Sokoban-small-v0');
    expect(envs).toContain('Football-empty-goal-close-v0');
    expect(envs).toContain('puzzle-arithmetic');
    expect((await ors('GET', '/Sokoban-small-v0/splits')).body).toEqual([
      { name: 'train', type: 'train' },
      { name: 'test', type: 'test' },
    ]);
    const tools = (await ors('GET', '/Sokoban-small-v0/tools')).body;
    expect(tools.tools.map((t: { name: string }) => t.name)).toEqual(['act']);
    expect(tools.tools[0].input_schema.required).toEqual(['text']);
    const tasks = (await ors('POST', '/Sokoban-small-v0/tasks', { split: 'test' })).body;
    expect(tasks.env_name).toBe('Sokoban-small-v0');
    expect(tasks.tasks).toHaveLength(SPLIT_TASKS);
    expect(tasks.tasks[0]).toEqual({ seed: EVAL_SEED, split: 'test', index: 0 });
    expect((await ors('POST', '/Sokoban-small-v0/num_tasks', { split: 'train' })).body).toEqual({ num_tasks: SPLIT_TASKS });
    expect((await ors('POST', '/Sokoban-small-v0/task', { split: 'train', index: 3 })).body).toEqual({ task: { seed: TRAIN_SEED_BASE + 3, split: 'train', index: 3 } });
    expect((await ors('POST', '/Sokoban-small-v0/task_range', { split: 'test', start: 2, stop: 4 })).body.tasks.map((t: { seed: number }) => t.seed)).toEqual([EVAL_SEED + 2, EVAL_SEED + 3]);
  });

  it('plays a test-split Sokoban task to its end with the same rewards as the REST API', async () => {
    const created = await fetch(`${server.url}/ors/create_session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const sse = await created.text();
    expect(created.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const sid = /event: task_id\r\ndata: (\S+)\r\n/.exec(sse)![1];
    expect(sse.endsWith('event: end\r\ndata: \r\n\r\n')).toBe(true);

    expect((await ors('POST', '/create', { env_name: 'Sokoban-small-v0', split: 'test', index: 1 }, sid)).body).toEqual({ sid });
    const prompt = (await ors('GET', '/Sokoban-small-v0/prompt', undefined, sid)).body;
    expect(prompt[0]).toMatchObject({ type: 'text' });
    expect(prompt[1]).toMatchObject({ type: 'image', mimeType: 'image/png' });
    expect(Buffer.from(prompt[1].data, 'base64').subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect((await ors('POST', '/ping', undefined, sid)).body).toEqual({ status: 'ok' });

    const rewards: number[] = [];
    let finished = false;
    for (let i = 0; !finished; i++) {
      expect(i).toBeLessThan(300);
      const r = await callTool(sid, 'Sokoban-small-v0', { name: 'act', input: { text: say(i) } });
      expect(r.status).toBe(200);
      expect(r.events[0]).toBe('task_id');
      expect(r.events[r.events.length - 1]).toBe('end');
      expect(r.result.ok).toBe(true);
      const out = r.result.output;
      expect(Object.keys(out)).toEqual(['blocks', 'metadata', 'reward', 'finished']);
      expect(out.blocks[1]).toMatchObject({ type: 'image', mimeType: 'image/png' });
      rewards.push(out.reward);
      finished = out.finished;
    }
    // A call after the end is the tool's own error, and the session still answers.
    const after = await callTool(sid, 'Sokoban-small-v0', { name: 'act', input: { text: say(0) } });
    expect(after.result).toEqual({ ok: false, error: expect.stringMatching(/ended/) });

    // The same env, seed and texts through REST.
    const made = await server.call<any>('POST', '/v1/instances', { env_id: 'Sokoban-small-v0', seed: EVAL_SEED + 1 });
    expect(made.status).toBe(200);
    const rest: number[] = [];
    for (let i = 0; i < rewards.length; i++) {
      const s = await server.call<any>('POST', `/v1/instances/${made.body.instance_id}/step`, { action: { text: say(i) } });
      rest.push(s.body.reward);
      expect(s.body.terminated || s.body.truncated).toBe(i === rewards.length - 1);
    }
    expect(rewards).toEqual(rest);
    await server.call('DELETE', `/v1/instances/${made.body.instance_id}`);

    expect((await ors('POST', '/delete', undefined, sid)).body).toEqual({ sid });
    expect((await ors('GET', '/Sokoban-small-v0/prompt', undefined, sid)).status).toBe(404);
    expect(server.app.instances.size).toBe(0);
  }, 20_000);

  it('plays a puzzle task in one call', async () => {
    const sid = 'puzzle-session';
    expect((await ors('POST', '/create', { env_name: 'puzzle-arithmetic', split: 'test', index: 0 }, sid)).status).toBe(200);
    const prompt = (await ors('GET', '/puzzle-arithmetic/prompt', undefined, sid)).body;
    expect(prompt).toEqual([{ text: expect.any(String), detail: null, type: 'text' }]);
    const r = await callTool(sid, 'puzzle-arithmetic', { name: 'act', input: { text: '<answer>0</answer>' } });
    expect(r.result.output.finished).toBe(true);
    expect([0, 1]).toContain(r.result.output.reward);
    await ors('POST', '/delete', undefined, sid);
  });

  it('answers bad input with typed errors and keeps serving', async () => {
    // No session id, unknown session, call before /create.
    expect(await ors('GET', '/Sokoban-small-v0/prompt')).toMatchObject({ status: 400, body: { detail: 'X-Session-ID header is required' } });
    expect(await ors('GET', '/Sokoban-small-v0/prompt', undefined, 'nobody')).toMatchObject({ status: 404, body: { detail: 'Active environment not found' } });
    expect((await callTool('nobody', 'Sokoban-small-v0', { name: 'act', input: { text: 'up' } })).status).toBe(404);
    // Unknown environment, split, index; both or neither task source.
    expect((await ors('GET', '/Nope-v0/tools')).status).toBe(404);
    expect(await ors('POST', '/Sokoban-small-v0/tasks', { split: 'validation' })).toMatchObject({ status: 400, body: { detail: 'Invalid split' } });
    expect(await ors('POST', '/Sokoban-small-v0/task', { split: 'test', index: SPLIT_TASKS })).toMatchObject({ status: 400, body: { detail: 'Invalid index' } });
    expect((await ors('POST', '/create', { env_name: 'Sokoban-small-v0' }, 's1')).status).toBe(422);
    expect((await ors('POST', '/create', { env_name: 'Sokoban-small-v0', task_spec: { seed: 1 }, split: 'test', index: 0 }, 's1')).status).toBe(422);
    expect((await ors('POST', '/create', { env_name: 'Sokoban-small-v0', task_spec: { seed: 'x' } }, 's1')).status).toBe(422);
    // Malformed JSON.
    const bad = await ors('POST', '/Sokoban-small-v0/tasks', '{"split": ');
    expect(bad.status).toBe(422);
    expect(Array.isArray(bad.body.detail)).toBe(true);

    const sid = 's2';
    expect((await ors('POST', '/create', { env_name: 'Sokoban-small-v0', task_spec: { seed: 7 } }, sid)).status).toBe(200);
    expect(await ors('POST', '/create', { env_name: 'Sokoban-small-v0', task_spec: { seed: 7 } }, sid)).toMatchObject({ status: 400, body: { detail: 'Session already exists' } });
    // Unknown tool and bad tool input: the tool's own error inside the stream.
    expect((await callTool(sid, 'Sokoban-small-v0', { name: 'push', input: {} })).result).toEqual({ ok: false, error: '"push" is not a valid tool' });
    expect((await callTool(sid, 'Sokoban-small-v0', { name: 'act', input: { text: 5 } })).result.ok).toBe(false);
    expect((await callTool(sid, 'Sokoban-small-v0', { name: 'act', input: { text: 'x'.repeat(70_000) } })).result).toMatchObject({ ok: false, error: expect.stringMatching(/at most/) });
    expect((await callTool(sid, 'Sokoban-small-v0', '{"name": "act", "input": ')).status).toBe(422);
    expect((await callTool(sid, 'Sokoban-small-v0', { name: 'act' })).status).toBe(422);
    // A body over the server's limit.
    expect((await callTool(sid, 'Sokoban-small-v0', { name: 'act', input: { text: 'x'.repeat(2 << 20) } })).status).toBe(413);
    // The session still plays, and the instance limit is a 503 in ORS's shape.
    expect((await callTool(sid, 'Sokoban-small-v0', { name: 'act', input: { text: '<answer>up</answer>' } })).result.ok).toBe(true);
    for (const s of ['c1', 'c2', 'c3']) expect((await ors('POST', '/create', { env_name: 'Sokoban-small-v0', task_spec: { seed: 1 } }, s)).status).toBe(200);
    const full = await ors('POST', '/create', { env_name: 'Sokoban-small-v0', task_spec: { seed: 1 } }, 'c4');
    expect(full.status).toBe(503);
    expect(typeof full.body.detail).toBe('string');
    for (const s of [sid, 'c1', 'c2', 'c3']) await ors('POST', '/delete', undefined, s);
    expect(server.app.instances.size).toBe(0);
    expect((await ors('GET', '/health')).status).toBe(200);
    expect((await server.call('GET', '/v1/health')).status).toBe(200);
  });
});

describe('ORS at the root', () => {
  it('answers the SDK client, which drops the base URL path, on the same sessions', async () => {
    expect((await server.call<any>('GET', '/list_environments')).body).toEqual((await ors('GET', '/list_environments')).body);
    expect((await server.call<any>('POST', '/create', { env_name: 'Sokoban-small-v0', task_spec: { seed: 3 } }, { 'x-session-id': 'root' })).status).toBe(200);
    expect((await ors('GET', '/Sokoban-small-v0/prompt', undefined, 'root')).status).toBe(200);
    expect((await server.call<any>('GET', '/v1/health')).status).toBe(200);
    expect((await server.call<any>('POST', '/delete', undefined, { 'x-session-id': 'root' })).body).toEqual({ sid: 'root' });
    expect(server.app.instances.size).toBe(0);
    const paths = Object.keys((await server.call<any>('GET', '/docs/json')).body.paths);
    expect(paths).toContain('/ors/{env}/call');
    expect(paths).not.toContain('/{env}/call');
  });
});

describe('ORS with --token', () => {
  it('asks for the token as X-API-Key or a bearer header', async () => {
    const locked = await startServer({ token: 'sekret' });
    try {
      const list = (headers: Record<string, string>) => locked.call<any>('GET', '/ors/list_environments', undefined, headers);
      expect(await list({})).toMatchObject({ status: 401, body: { detail: expect.stringMatching(/X-API-Key/) } });
      expect((await list({ 'x-api-key': 'wrong' })).status).toBe(401);
      expect((await list({ 'x-api-key': 'sekret' })).status).toBe(200);
      expect((await list({ authorization: 'Bearer sekret' })).status).toBe(200);
    } finally {
      await locked.close();
    }
  });
});
