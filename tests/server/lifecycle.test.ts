/** Graceful shutdown (in-flight requests finish, replays are on disk after close) and the CLI. */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { registerTinyGame, TINY_ID } from './fixtures/tiny-game.js';
import { startServer } from './helpers.js';

registerTinyGame();
const run = promisify(execFile);

describe('server lifecycle', () => {
  it('writes the replays of episodes that just ended on close', async () => {
    const s = await startServer();
    const dir = s.replayDir;
    const ids: string[] = [];
    const goals: number[] = [];
    for (let i = 0; i < 8; i++) {
      const c = await s.call<{ instance_id: string; observation: { state: { goal: number } } }>('POST', '/v1/instances', { env_id: TINY_ID, seed: i });
      ids.push(c.body.instance_id);
      goals.push(c.body.observation.state.goal);
    }
    // Every episode one move from its end, then all eight end in one batch call.
    for (let t = 0; t < Math.max(...goals) - 1; t++) {
      const items = ids.map((instance_id) => ({ instance_id, action: 'right' })).filter((_, i) => t < goals[i] - 1);
      if (items.length > 0) await s.call('POST', '/v1/batch/step', { items });
    }
    expect(s.app.instances.size).toBe(8);
    // Their replays are still being written when the server is told to close, right away.
    await s.call('POST', '/v1/batch/step', { items: ids.map((instance_id) => ({ instance_id, action: 'right' })) });
    await s.app.close();
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(8);
    await s.close();
  });

  it('finishes an in-flight request on close', async () => {
    const s = await startServer();
    const query = Array.from({ length: 2048 }, (_, i) => `<|im_start|>assistant\n<think>x</think><answer>${i}</answer><|im_end|>`);
    const inflight = s.call<{ rewards: number[] }>('POST', '/v1/reward', { query, labels: query.map((_, i) => String(i)) });
    await new Promise((r) => setTimeout(r, 20));
    await s.app.close();
    const answered = await inflight;
    expect(answered.status).toBe(200);
    expect(answered.body.rewards).toHaveLength(2048);
    await s.close();
  });

  it('has a CLI with --help', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'server/main.ts', '--help'], { cwd: process.cwd() });
    for (const flag of ['--host', '--port', '--token', '--replay-dir', '--max-instances', '--idle-timeout', '--chat-template']) expect(stdout).toContain(flag);
  });
});
