/**
 * What the OpenRLHF integration needs from the server: client-chosen instance ids and idle
 * leases (so an executor that is never told an episode ended can still close it), and reward
 * labels that are refused with a reason instead of scored for format alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './helpers.js';

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ idleTimeoutMs: 60_000 });
});
afterAll(async () => s.close());

describe('instances for OpenRLHF episodes', () => {
  it('takes a client-chosen id, refuses it while live, and frees it on delete', async () => {
    const id = 'orl-test-0123456789abcdef';
    const made = await s.call<{ instance_id: string }>('POST', '/v1/instances', { env_id: 'Sokoban-small-v0', seed: 1, instance_id: id });
    expect(made.status).toBe(200);
    expect(made.body.instance_id).toBe(id);
    const again = await s.call<{ message: string }>('POST', '/v1/instances', { env_id: 'Sokoban-small-v0', seed: 1, instance_id: id });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('body.instance_id');
    expect((await s.call('DELETE', `/v1/instances/${id}`)).status).toBe(200);
    expect((await s.call('POST', '/v1/instances', { env_id: 'Sokoban-small-v0', seed: 1, instance_id: id })).status).toBe(200);
    await s.call('DELETE', `/v1/instances/${id}`);
  });

  it('refuses ids that are short or carry other characters', async () => {
    for (const bad of ['short', 'has space in it 0123456789', '../../etc/passwd/0123456789']) {
      const r = await s.call<{ message: string }>('POST', '/v1/instances', { env_id: 'Sokoban-small-v0', instance_id: bad });
      expect(r.status, bad).toBe(400);
      expect(r.body.message).toContain('instance_id');
    }
  });

  it('closes an instance whose lease ran out, long before the idle timeout', async () => {
    const leased = await s.call<{ instance_id: string }>('POST', '/v1/instances', { env_id: 'Sokoban-small-v0', seed: 2, lease_s: 1 });
    const kept = await s.call<{ instance_id: string }>('POST', '/v1/instances', { env_id: 'Sokoban-small-v0', seed: 2 });
    // The eviction pass runs every second; a 1 s lease is gone within about 2 s.
    await new Promise((r) => setTimeout(r, 2600));
    expect((await s.call('POST', `/v1/instances/${leased.body.instance_id}/step`, { action: 'up' })).status).toBe(404);
    expect((await s.call('POST', `/v1/instances/${kept.body.instance_id}/step`, { action: 'up' })).status).toBe(200);
    await s.call('DELETE', `/v1/instances/${kept.body.instance_id}`);
  });
});

describe('reward labels', () => {
  const query = ['<|im_start|>user\nWhat is 6 x 7?<|im_end|>\n<|im_start|>assistant\n<think>t</think><answer>42</answer><|im_end|>'];

  it('refuses an empty label, naming the label column, instead of a format-only 0.5', async () => {
    for (const label of ['', '  ']) {
      const r = await s.call<{ message: string }>('POST', '/v1/reward', { query, labels: [label] });
      expect(r.status).toBe(400);
      expect(r.body.message).toMatch(/body\.labels\[0\] is empty/);
      expect(r.body.message).toContain('label_key');
    }
  });

  it('refuses lists, booleans and null with a 400 that says what a label may be', async () => {
    for (const label of [[42], true, null]) {
      const r = await s.call<{ message: string }>('POST', '/v1/reward', { query, labels: [label] });
      expect(r.status, JSON.stringify(label)).toBe(400);
      expect(r.body.message).toMatch(/body\.labels\[0\] must be a gold answer/);
    }
  });

  it('still scores a proper label', async () => {
    const r = await s.call<{ rewards: number[] }>('POST', '/v1/reward', { query, labels: ['42'] });
    expect(r.status).toBe(200);
    expect(r.body.rewards[0]).toBeGreaterThan(1);
  });
});
