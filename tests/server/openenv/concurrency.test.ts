/**
 * 200 OpenEnv WebSocket episodes at once on loopback, a quarter of them dropped mid-episode: every
 * instance is freed, no error is answered, and every finished episode's replay verifies.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { envSpec } from '../../../envs/index.js';
import { parseReplay, verifyReplay } from '../../../envs/replay/index.js';
import { sokobanPlan } from '../fixtures/sokoban-plans.js';
import { startServer, type TestServer } from '../helpers.js';
import { Session, wsUrl } from './client.js';

const SOKOBAN = 'Sokoban-small-v0';
let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => s.close());

/** A small deterministic generator, so a failure replays. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

it.skipIf(!envSpec(SOKOBAN))('200 concurrent episodes with random disconnects leak nothing', async () => {
  const random = rng(2323);
  const episodes = Array.from({ length: 200 }, (_, i) => {
    const plan = sokobanPlan(SOKOBAN, 5000 + i);
    // One in four is dropped (terminated, no close message) after a random number of its moves.
    const dropAt = random() < 0.25 ? Math.floor(random() * plan.length) : -1;
    return { seed: 5000 + i, plan, dropAt };
  });
  // All 200 sockets are open with an episode each before the first move.
  const sessions = await Promise.all(
    episodes.map(async ({ seed }) => {
      const ws = await Session.open(wsUrl(s.url, SOKOBAN));
      return { ws, first: await ws.reset({ seed }) };
    }),
  );
  expect(s.app.instances.size).toBe(200);
  const outcomes = await Promise.all(
    episodes.map(async ({ seed, plan, dropAt }, i) => {
      const { ws } = sessions[i];
      let last = sessions[i].first;
      for (const [t, move] of plan.entries()) {
        if (t === dropAt) {
          ws.ws.terminate();
          return 'dropped';
        }
        last = await ws.step(`<answer>${move}</answer>`);
      }
      expect(last.done && last.observation.terminated).toBe(true);
      // Half close politely, half just go away.
      if (seed % 2 === 0) await ws.send({ type: 'close' });
      else ws.ws.close();
      return 'solved';
    }),
  );
  const solved = outcomes.filter((o) => o === 'solved').length;
  expect(solved).toBe(episodes.filter((e) => e.dropAt < 0).length);
  await expect.poll(() => s.app.instances.size, { timeout: 5000 }).toBe(0);
  expect(s.app.metrics.episodesTotal).toBe(solved);

  await s.app.replays!.flush();
  const list = await s.call<{ replays: { id: string }[] }>('GET', '/v1/replays?agent=openenv&limit=1000');
  expect(list.body.replays.length).toBe(solved);
  for (const { id } of list.body.replays) expect(verifyReplay(parseReplay((await s.call('GET', `/v1/replays/${id}`)).body)).ok).toBe(true);
  const metrics = await s.call<string>('GET', '/metrics');
  expect(String(metrics.body)).not.toMatch(/status="5\d\d"/);
  expect((await s.call('GET', '/v1/health')).status).toBe(200);
}, 20_000);
