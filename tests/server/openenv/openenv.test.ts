/**
 * The OpenEnv façade on a real loopback server: whole episodes over the WebSocket session and over
 * stateless /reset + /step (raw model text, frames), /schema against what is sent, replays, and the
 * typed errors of bad input.
 */
import Ajv from 'ajv';
import { decode } from 'fast-png';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envSpec, listEnvs } from '../../../envs/index.js';
import { PUZZLE_FAMILIES, makePuzzle } from '../../../envs/puzzles/index.js';
import { parseReplay, verifyReplay } from '../../../envs/replay/index.js';
import { sokobanPlan, sokobanResponse } from '../fixtures/sokoban-plans.js';
import { startServer, type TestServer } from '../helpers.js';
import { Session, wsUrl, type ObservationData } from './client.js';

const SOKOBAN = 'Sokoban-small-v0';
let s: TestServer;
let validators: { observation: (v: unknown) => boolean; state: (v: unknown) => boolean; action: (v: unknown) => boolean };

beforeAll(async () => {
  s = await startServer();
  const schema = (await s.call<Record<string, object>>('GET', `/openenv/${SOKOBAN}/schema`)).body;
  const ajv = new Ajv({ strict: false, allErrors: true });
  validators = { observation: ajv.compile(schema.observation), state: ajv.compile(schema.state), action: ajv.compile(schema.action) };
});
afterAll(async () => s.close());

/** Checks an answer against /schema and its frame as a real PNG. */
function checked(d: ObservationData): ObservationData {
  expect(Object.keys(d).sort()).toEqual(['done', 'observation', 'reward']);
  expect(validators.observation(d.observation), JSON.stringify(d.observation).slice(0, 300)).toBe(true);
  expect(d.observation.frame.media_type).toBe('image/png');
  const png = decode(Buffer.from(d.observation.frame.data, 'base64'));
  expect([png.width, png.height]).toEqual([d.observation.frame.width, d.observation.frame.height]);
  return d;
}

async function verifiedReplays(min: number): Promise<number> {
  await s.app.replays!.flush();
  const list = await s.call<{ replays: { id: string }[] }>('GET', '/v1/replays?agent=openenv&limit=1000');
  for (const { id } of list.body.replays) expect(verifyReplay(parseReplay((await s.call('GET', `/v1/replays/${id}`)).body)).ok).toBe(true);
  expect(list.body.replays.length).toBeGreaterThanOrEqual(min);
  return list.body.replays.length;
}

describe.skipIf(!envSpec(SOKOBAN))('OpenEnv over /ws', () => {
  it('health, metadata and schema', async () => {
    expect((await s.call('GET', `/openenv/${SOKOBAN}/health`)).body).toEqual({ status: 'healthy' });
    const meta = await s.call<Record<string, unknown>>('GET', `/openenv/${SOKOBAN}/metadata`);
    expect(meta.body.name).toBe(SOKOBAN);
    expect(typeof meta.body.description).toBe('string');
    expect(validators.action({ text: 'Up' })).toBe(true);
    expect(validators.action({ text: 'Up', x: 1 })).toBe(false);
    expect((await s.call('GET', '/openenv/No-such-v0/health')).status).toBe(404);
  });

  it('plays a Sokoban level to the optimal solve: reset with a seed, raw text steps, state, close', async () => {
    const plan = sokobanPlan(SOKOBAN, 7);
    const ws = await Session.open(wsUrl(s.url, SOKOBAN));
    const first = checked(await ws.reset({ seed: 7 }));
    expect(first.done).toBe(false);
    expect(first.reward).toBeNull();
    let last = first;
    for (const [t, move] of plan.entries()) {
      expect(last.done).toBe(false);
      last = checked(await ws.step(`<think>turn ${t}</think><answer>${move[0].toUpperCase()}${move.slice(1)}</answer>`));
      expect(last.observation.action_is_valid).toBe(true);
      expect(last.observation.step_count).toBe(t + 1);
    }
    expect(last.done).toBe(true);
    expect(last.observation.terminated).toBe(true);
    expect(last.observation.truncated).toBe(false);
    expect(last.reward).toBeGreaterThan(0);
    const state = await ws.send({ type: 'state' });
    expect(state?.type).toBe('state');
    expect(validators.state(state!.data)).toBe(true);
    expect(state!.data).toMatchObject({ step_count: plan.length, env_id: SOKOBAN, seed: 7, done: true });
    expect(s.app.instances.size).toBe(1);
    expect(await ws.send({ type: 'close' })).toBeNull();
    expect(ws.closed?.code).toBe(1000);
    await expect.poll(() => s.app.instances.size).toBe(0);
    await verifiedReplays(1);
  });

  it('a time-limit end is done with truncated, and the same seed replays the same level', async () => {
    const ws = await Session.open(wsUrl(s.url, SOKOBAN));
    const a = await ws.reset({ seed: 11, max_steps: 1 });
    let last = a;
    for (let t = 0; !last.done; t++) {
      expect(t).toBeLessThan(300);
      last = checked(await ws.step('<answer>Noop</answer>'));
    }
    expect(last.observation.truncated).toBe(true);
    expect(last.observation.terminated).toBe(false);
    const b = await ws.reset({ seed: 11, max_steps: 1 });
    expect(b.observation.text).toBe(a.observation.text);
    await ws.close();
  });

  const football = listEnvs().map((e) => e.id).find((id) => id === 'Football-empty-goal-close-v0');
  it.skipIf(!football)('plays a Football episode to its end, with frames', async () => {
    const ws = await Session.open(wsUrl(s.url, football!));
    checked(await ws.reset({ seed: 3 }));
    const moves = ['Right', 'right', 'Shot', 'move right', 'top_right', 'shot'];
    let last: ObservationData | null = null;
    for (let t = 0; !last?.done; t++) {
      expect(t).toBeLessThan(401);
      last = await ws.step(`<think>attack</think><answer>${moves[t % moves.length]}</answer>`);
      if (t % 10 === 0 || last.done) checked(last);
    }
    expect(typeof last.observation.info.score).toBe('number');
    await ws.close();
  });
});

describe.skipIf(!envSpec(SOKOBAN))('OpenEnv over stateless /reset and /step', () => {
  it('plays a Sokoban level to the optimal solve with episode_id, then frees the instance', async () => {
    const plan = sokobanPlan(SOKOBAN, 21);
    const r = await s.call<ObservationData>('POST', `/openenv/${SOKOBAN}/reset`, { seed: 21 });
    expect(r.status).toBe(200);
    checked(r.body);
    const id = r.body.observation.episode_id;
    // The whole plan as one answer (the env reads it under its protocol), or one move a turn.
    let last = r.body;
    for (const move of plan) {
      const st = await s.call<ObservationData>('POST', `/openenv/${SOKOBAN}/step`, { action: { text: sokobanResponse([move]) }, episode_id: id });
      expect(st.status, JSON.stringify(st.body).slice(0, 300)).toBe(200);
      last = checked(st.body);
    }
    expect(last.done).toBe(true);
    expect(last.observation.terminated).toBe(true);
    await expect.poll(() => s.app.instances.size).toBe(0);
    const gone = await s.call<{ detail: string }>('POST', `/openenv/${SOKOBAN}/step`, { action: { text: 'Up' }, episode_id: id });
    expect(gone.status).toBe(404);
    expect(typeof gone.body.detail).toBe('string');
  });

  it('answers bad bodies with 422 and FastAPI-style details', async () => {
    for (const body of [{ action: { text: 1 }, episode_id: 'x' }, { action: { txt: 'Up' }, episode_id: 'x' }, { action: { text: 'Up' } }, '{"action":', { seed: -1 }]) {
      const path = typeof body === 'object' && 'seed' in body ? 'reset' : 'step';
      const r = await s.call<{ detail: unknown }>('POST', `/openenv/${SOKOBAN}/${path}`, body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(Array.isArray(r.body.detail)).toBe(true);
    }
    const unknownOption = await s.call<{ detail: unknown }>('POST', `/openenv/${SOKOBAN}/reset`, { seed: 1, no_such_option: 3 });
    expect(unknownOption.status).toBe(422);
  });
});

describe.skipIf(!envSpec(SOKOBAN))('OpenEnv /ws bad input', () => {
  it('answers each with its typed error and keeps the session and the server serving', async () => {
    const ws = await Session.open(wsUrl(s.url, SOKOBAN));
    const code = async (m: unknown) => {
      const a = await ws.send(m);
      expect(a?.type, JSON.stringify(a).slice(0, 200)).toBe('error');
      return (a!.data as { code: string }).code;
    };
    expect(await code({ type: 'step', data: { text: 'Up' } })).toBe('EXECUTION_ERROR'); // step before reset
    expect(await code({ type: 'dance' })).toBe('UNKNOWN_TYPE');
    expect(await code('[1, 2')).toBe('INVALID_JSON');
    expect(await code('"reset"')).toBe('UNKNOWN_TYPE');
    expect(await code({ type: 'state', extra: 1 })).toBe('VALIDATION_ERROR');
    ws.ws.send(Buffer.from([0x7b, 0x7d]), { binary: true });
    expect(((await ws.next())!.data as { code: string }).code).toBe('INVALID_JSON');
    await ws.reset({ seed: 2 });
    expect(await code({ type: 'step' })).toBe('VALIDATION_ERROR');
    expect(await code({ type: 'step', data: { action: 'Up' } })).toBe('VALIDATION_ERROR');
    expect(await code({ type: 'step', data: { text: 'x'.repeat(512 * 1024) } })).toBe('VALIDATION_ERROR'); // a huge text frame
    expect(await code({ type: 'reset', data: { seed: 'seven' } })).toBe('VALIDATION_ERROR');
    await ws.step('<answer>Up</answer>');
    expect(await code({ type: 'reset', data: { seed: 3 } })).toBe('EXECUTION_ERROR'); // a second reset mid-episode
    const after = await ws.step('<answer>Down</answer>');
    expect(after.observation.step_count).toBe(2);
    expect(s.app.instances.size).toBe(1);
    await ws.close();
    await expect.poll(() => s.app.instances.size).toBe(0);

    // A frame past the message limit closes that socket (1009); nothing else is disturbed.
    const big = await Session.open(wsUrl(s.url, SOKOBAN));
    await big.reset({ seed: 1 });
    expect(await big.send(JSON.stringify({ type: 'step', data: { text: 'x'.repeat(2 << 20) } }))).toBeNull();
    expect(big.closed?.code).toBe(1009);
    await expect.poll(() => s.app.instances.size).toBe(0);
    const unknownEnv = await Session.open(wsUrl(s.url, 'No-such-v0'));
    expect((await unknownEnv.next())?.data).toMatchObject({ code: 'FACTORY_ERROR' });
    expect((await s.call('GET', '/v1/health')).status).toBe(200);
  });

  it('answers CAPACITY_REACHED at the instance limit and frees idle sockets', async () => {
    const small = await startServer({ maxInstances: 1, idleTimeoutMs: 400 });
    try {
      const a = await Session.open(wsUrl(small.url, SOKOBAN));
      await a.reset({ seed: 1 });
      const b = await Session.open(wsUrl(small.url, SOKOBAN));
      const refused = await b.send({ type: 'reset', data: { seed: 1 } });
      expect(refused).toMatchObject({ type: 'error', data: { code: 'CAPACITY_REACHED', active_sessions: 1, max_sessions: 1 } });
      expect(await b.next()).toBeNull();
      const r = await small.call<{ code: string }>('POST', `/openenv/${SOKOBAN}/reset`, {});
      expect(r.status).toBe(503);
      expect(r.body.code).toBe('CAPACITY_REACHED');
      // The idle socket is told, closed, and its instance freed.
      expect((await a.next())?.data).toMatchObject({ code: 'SESSION_ERROR' });
      expect(await a.next()).toBeNull();
      expect(small.app.instances.size).toBe(0);
      // A client that reconnects gets a clear error for a step, never a hang.
      const c = await Session.open(wsUrl(small.url, SOKOBAN));
      expect((await c.send({ type: 'step', data: { text: 'Up' } }))?.data).toMatchObject({ code: 'EXECUTION_ERROR' });
      await c.close();
    } finally {
      await small.close();
    }
  });

  it('frees the instance of a dropped connection', async () => {
    const raw = new WebSocket(wsUrl(s.url, SOKOBAN));
    await new Promise((r) => raw.once('open', r));
    raw.send(JSON.stringify({ type: 'reset', data: { seed: 5 } }));
    await new Promise((r) => raw.once('message', r));
    expect(s.app.instances.size).toBe(1);
    raw.terminate();
    await expect.poll(() => s.app.instances.size).toBe(0);
  });
});

describe.skipIf(!envSpec(SOKOBAN))('OpenEnv with --token', () => {
  it('needs the token (Bearer, or Basic from a URL with user info) on HTTP and on the upgrade', async () => {
    const guarded = await startServer({ token: 'sesame' });
    try {
      expect((await guarded.call('GET', `/openenv/${SOKOBAN}/health`)).status).toBe(401);
      expect((await guarded.call('GET', `/openenv/${SOKOBAN}/health`, undefined, { authorization: 'Bearer sesame' })).status).toBe(200);
      await expect(Session.open(wsUrl(guarded.url, SOKOBAN))).rejects.toThrow(/401/);
      const ws = await Session.open(wsUrl(guarded.url, SOKOBAN).replace('ws://', 'ws://openenv:sesame@'));
      expect((await ws.reset({ seed: 1 })).done).toBe(false);
      await ws.close();
    } finally {
      await guarded.close();
    }
  });
});

describe('OpenEnv text puzzles (puzzle-<family>)', () => {
  it('plays one question, one answer, over /ws and over /reset + /step, checked against /schema', async () => {
    const env = `puzzle-${PUZZLE_FAMILIES[0]}`;
    const schema = (await s.call<Record<string, object>>('GET', `/openenv/${env}/schema`)).body;
    const valid = new Ajv({ strict: false }).compile(schema.observation);
    expect((await s.call<{ name: string }>('GET', `/openenv/${env}/metadata`)).body.name).toBe(env);
    const item = makePuzzle(PUZZLE_FAMILIES[0], 2, 9, 0);

    const ws = await Session.open(wsUrl(s.url, env));
    const first = await ws.reset({ seed: 9, difficulty: 2 });
    expect(valid(first.observation)).toBe(true);
    expect(first.observation.frame).toBeNull();
    expect(first.observation.text).toContain(puzzleQuestion(item));
    const right = await ws.step(`<think>worked out</think><answer>${item.answer}</answer>`);
    expect(valid(right.observation)).toBe(true);
    expect(right).toMatchObject({ reward: 1, done: true });
    expect((await ws.send({ type: 'step', data: { text: 'again' } }))?.data).toMatchObject({ code: 'EXECUTION_ERROR' });
    expect((await ws.send({ type: 'reset', data: { difficulty: 9 } }))?.data).toMatchObject({ code: 'VALIDATION_ERROR' });
    await ws.close();

    const r = await s.call<ObservationData>('POST', `/openenv/${env}/reset`, { seed: 9, difficulty: 2 });
    expect(r.body.observation.text).toBe(first.observation.text);
    const wrong = await s.call<ObservationData>('POST', `/openenv/${env}/step`, { action: { text: '<answer>no idea</answer>' }, episode_id: r.body.observation.episode_id });
    expect(wrong.body).toMatchObject({ reward: 0, done: true });
    const again = await s.call<ObservationData>('POST', `/openenv/${env}/step`, { action: { text: `<answer>${item.answer}</answer>` }, episode_id: r.body.observation.episode_id });
    expect(again.body).toMatchObject({ reward: 1, done: true });
    expect((await s.call('POST', `/openenv/${env}/step`, { action: { text: 'x' }, episode_id: 'puzzle:nope:1:1:1' })).status).toBe(404);
    expect((await s.call('GET', '/openenv/puzzle-nope/health')).status).toBe(404);
    expect(s.app.instances.size).toBe(0);
  });
});

function puzzleQuestion(item: { prompt: { role: string; content: unknown }[] }): string {
  const user = item.prompt.find((m) => m.role === 'user')!;
  return typeof user.content === 'string' ? user.content : '';
}

describe.skipIf(!envSpec(SOKOBAN))('OpenEnv /ws flood', () => {
  it('closes a socket that sends far ahead of its answers and keeps serving', async () => {
    const raw = new WebSocket(wsUrl(s.url, SOKOBAN));
    await new Promise((r) => raw.once('open', r));
    const closed = new Promise<number>((r) => raw.once('close', (code) => r(code)));
    raw.send(JSON.stringify({ type: 'reset', data: { seed: 1 } }));
    for (let i = 0; i < 2000; i++) raw.send(JSON.stringify({ type: 'state' }));
    expect(await closed).toBe(1008);
    await expect.poll(() => s.app.instances.size).toBe(0);
    const ws = await Session.open(wsUrl(s.url, SOKOBAN));
    expect((await ws.reset({ seed: 1 })).done).toBe(false);
    await ws.close();
  });
});
