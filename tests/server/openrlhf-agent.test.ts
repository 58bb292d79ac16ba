/**
 * The OpenRLHF agent file (server/openrlhf/agent_func.py) against the real server, driven the way
 * OpenRLHF drives it (reset, then step per model response), without OpenRLHF itself.
 */
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { make } from '../../envs/index.js';
import { sokobanPlan } from './fixtures/sokoban-plans.js';
import { startServer, type TestServer } from './helpers.js';

const run = promisify(execFile);

function havePython(): boolean {
  try {
    execFileSync('python3', ['--version']);
    return true;
  } catch {
    console.warn('!!! OpenRLHF agent test SKIPPED: python3 is missing');
    return false;
  }
}

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ token: 'rlhf' });
});
afterAll(async () => s.close());

describe.skipIf(!havePython())('OpenRLHF agent file', () => {
  it('plays a Sokoban level turn by turn to the end, rewards and feedback as OpenRLHF expects', async () => {
    const plan = sokobanPlan('Sokoban-small-v0', 4);
    const label = JSON.stringify({ env_id: 'Sokoban-small-v0', seed: 4, options: {} });
    const { stdout } = await run('python3', [join(import.meta.dirname, 'fixtures', 'drive_agent.py'), join(process.cwd(), 'server', 'openrlhf', 'agent_func.py'), label, plan.join(',')], {
      env: { ...process.env, ENV_SERVER_URL: s.url, ENV_SERVER_TOKEN: 'rlhf' },
    });
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(String(lines[0].observation)).toMatch(/^Play\.\n/);
    const steps = lines.slice(1) as { rewards: number; scores: number; done: boolean; environment_feedback: string }[];
    expect(steps).toHaveLength(plan.length);
    expect(steps[0].environment_feedback).toMatch(/<\|im_start\|>user\n[\s\S]*<\|im_start\|>assistant\n$/);
    const last = steps[steps.length - 1];
    expect(last).toMatchObject({ done: true, scores: 1, environment_feedback: '' });
    const optimal = make('Sokoban-small-v0').reset({ seed: 4 }).info.optimal_return as number;
    expect(steps.reduce((a, st) => a + st.rewards, 0)).toBeCloseTo(optimal, 6);
    await s.app.replays!.flush();
    const list = await s.call<{ total: number }>('GET', '/v1/replays?agent=openrlhf', undefined, { authorization: 'Bearer rlhf' });
    expect(list.body.total).toBe(1);
  });

  it('waits out a full server (503 + Retry-After) and takes a label without a seed', async () => {
    const full = await startServer({ maxInstances: 1 });
    try {
      const filler = await full.call<{ instance_id: string }>('POST', '/v1/instances', { env_id: 'Sokoban-small-v0', seed: 1 });
      const agent = run('python3', [join(import.meta.dirname, 'fixtures', 'drive_agent.py'), join(process.cwd(), 'server', 'openrlhf', 'agent_func.py'), '{"env_id": "Sokoban-small-v0"}', 'up'], {
        env: { ...process.env, ENV_SERVER_URL: full.url, ENV_SERVER_BUSY_WAIT: '60' },
      });
      await new Promise((r) => setTimeout(r, 1000));
      expect((await full.call('DELETE', `/v1/instances/${filler.body.instance_id}`)).status).toBe(200);
      const lines = (await agent).stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(String(lines[0].observation)).toMatch(/^Play\.\n/);
      expect(lines).toHaveLength(2);
    } finally {
      await full.close();
    }
  });
});
