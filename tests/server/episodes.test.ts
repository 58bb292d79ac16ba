/**
 * Whole Sokoban (and Football, once registered) episodes over the real HTTP server: batch calls,
 * raw LMM text actions, both protocols, and every finished episode saved as a verified replay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode } from 'fast-png';
import { envSpec, listEnvs, make } from '../../envs/index.js';
import { parseReplay, verifyReplay } from '../../envs/replay/index.js';
import { sokobanPlan, sokobanResponse } from './fixtures/sokoban-plans.js';
import { startServer, type TestServer } from './helpers.js';

interface Stepped {
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Record<string, unknown>;
  observation: { text: string; image?: { base64: string } };
}
type Item = Stepped | { error: string; status: number };

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => s.close());

async function create(envId: string, seed: number, options: Record<string, unknown> = {}, agent = 'http-test'): Promise<string> {
  const r = await s.call<{ instance_id: string }>('POST', '/v1/instances', { env_id: envId, seed, options, agent: { name: agent, model: 'plan' } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.instance_id;
}

async function verifiedReplays(agent: string): Promise<number> {
  await s.app.replays!.flush();
  const list = await s.call<{ replays: { id: string }[] }>('GET', `/v1/replays?agent=${agent}&limit=1000`);
  for (const { id } of list.body.replays) {
    const replay = parseReplay((await s.call('GET', `/v1/replays/${id}`)).body);
    expect(verifyReplay(replay).ok).toBe(true);
  }
  return list.body.replays.length;
}

describe.skipIf(!envSpec('Sokoban-small-v0'))('Sokoban over HTTP', () => {
  it('plays 16 levels to the optimum with batch steps of raw LMM text, one move a turn', async () => {
    const seeds = Array.from({ length: 16 }, (_, i) => 1000 + i);
    const plans = seeds.map((seed) => sokobanPlan('Sokoban-small-v0', seed));
    const ids = await Promise.all(seeds.map((seed) => create('Sokoban-small-v0', seed, {}, 'batch-online')));
    const finished = new Map<number, Stepped>();
    for (let t = 0; finished.size < ids.length; t++) {
      expect(t).toBeLessThan(200);
      const live = ids.map((id, i) => ({ id, i })).filter(({ i }) => !finished.has(i));
      const r = await s.call<{ results: Item[] }>('POST', '/v1/batch/step', {
        items: live.map(({ id, i }) => ({ instance_id: id, action: { text: `<think>step ${t}</think><answer>${plans[i][t]}</answer>` } })),
      });
      expect(r.status).toBe(200);
      r.body.results.forEach((res, k) => {
        expect('error' in res, JSON.stringify(res)).toBe(false);
        const step = res as Stepped;
        expect(step.info.action_is_valid).toBe(true);
        if (step.terminated || step.truncated) finished.set(live[k].i, step);
      });
    }
    for (const [i, last] of finished) {
      expect(last.terminated, `seed ${seeds[i]}`).toBe(true);
      expect(last.info.success).toBe(true);
      expect(last.info.score).toBe(100);
    }
    // A new batch of episodes on the same instances, then closed.
    const reset = await s.call<{ results: { seed: number }[] }>('POST', '/v1/batch/reset', { items: ids.map((instance_id) => ({ instance_id, seed: 7 })) });
    expect(reset.body.results.every((r) => r.seed === 7)).toBe(true);
    for (const id of ids) expect((await s.call('DELETE', `/v1/instances/${id}`)).status).toBe(200);
    expect(await verifiedReplays('batch-online')).toBe(16);
  });

  it('sends frames (inline base64 and frame.png) that decode to the exact env pixels', async () => {
    const c = await s.call<{ instance_id: string; observation: { image: { base64: string; width: number } } }>('POST', '/v1/instances?image=png', {
      env_id: 'Sokoban-small-v0',
      seed: 5,
    });
    const expected = Buffer.from(make('Sokoban-small-v0').reset({ seed: 5 }).observation.image.data);
    const inline = decode(Buffer.from(c.body.observation.image.base64, 'base64'));
    expect(Buffer.from(inline.data as Uint8Array).equals(expected)).toBe(true);
    const file = await fetch(`${s.url}/v1/instances/${c.body.instance_id}/frame.png`);
    const fetched = decode(new Uint8Array(await file.arrayBuffer()));
    expect(Buffer.from(fetched.data as Uint8Array).equals(expected)).toBe(true);
    await s.call('DELETE', `/v1/instances/${c.body.instance_id}`);
  });

  it('plays whole-plan (global protocol) turns, with PNG frames inline', async () => {
    for (const seed of [1, 2, 3]) {
      const plan = sokobanPlan('Sokoban-small-v0', seed);
      const id = await create('Sokoban-small-v0', seed, { protocol: 'global' }, 'global');
      const r = await s.call<Stepped>('POST', `/v1/instances/${id}/step?image=png`, { action: { text: sokobanResponse(plan) } });
      expect(r.body).toMatchObject({ terminated: true, info: { success: true, score: 100, moves_executed: plan.length } });
      expect(Buffer.from(r.body.observation.image!.base64, 'base64').subarray(1, 4).toString()).toBe('PNG');
      // A sloppy answer is reported, never a crash.
      await s.call('POST', `/v1/instances/${id}/reset`, { seed });
      const bad = await s.call<Stepped>('POST', `/v1/instances/${id}/step`, { action: { text: '<answer>Up, jump, 42, Left</answer>' } });
      expect(bad.body.info.action_is_valid).toBe(false);
      expect(bad.body.info.invalid_actions).toEqual(['jump', '42']);
      // One answer is the whole episode under the global protocol, solved or not.
      expect(bad.body.truncated).toBe(true);
      expect(typeof bad.body.info.score).toBe('number');
    }
    // Three solved episodes and three sloppy ones, each ended by its one answer.
    expect(await verifiedReplays('global')).toBe(6);
  });
});

describe('Football over HTTP', () => {
  const ids = listEnvs()
    .map((e) => e.id)
    .filter((id) => id.startsWith('Football-'));
  it.skipIf(ids.length === 0)('plays whole episodes with batch steps of text actions until they end', async () => {
    // Two drills and a full-pitch situation, four seeds each, all in the same batches.
    const envIds = ['Football-empty-goal-close-v0', 'Football-3v1-keeper-v0', 'Football-11v11-v0'].filter((id) => ids.includes(id));
    const instances = await Promise.all(envIds.flatMap((envId) => [0, 1, 2, 3].map((seed) => create(envId, seed, {}, 'football-test'))));
    const done = new Set<number>();
    const moves = ['Right', 'right', 'Shot', 'move right', 'top_right', 'bottom_right', 'shot'];
    for (let t = 0; done.size < instances.length; t++) {
      expect(t).toBeLessThan(401);
      const live = instances.map((id, i) => ({ id, i })).filter(({ i }) => !done.has(i));
      const r = await s.call<{ results: Item[] }>('POST', '/v1/batch/step', {
        items: live.map(({ id, i }) => ({ instance_id: id, action: { text: `<think>attack</think><answer>${moves[(t + i) % moves.length]}</answer>` } })),
      });
      expect(r.status).toBe(200);
      r.body.results.forEach((res, k) => {
        expect('error' in res, JSON.stringify(res)).toBe(false);
        const step = res as Stepped;
        if (step.terminated || step.truncated) {
          expect(typeof step.info.score).toBe('number');
          done.add(live[k].i);
        }
      });
    }
    expect(await verifiedReplays('football-test')).toBe(instances.length);
  });
});
