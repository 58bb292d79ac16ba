/**
 * /v1/reward on worker threads (--reward-workers): the same answers as in the request thread, in
 * order, for one big batch and for many concurrent single-sample requests; a grader that throws,
 * a worker that dies or hangs is a 500 naming the samples and the server goes on; closing the
 * server stops the workers (the process exits).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rewardBatch, type RewardBatch } from '../../../server/reward/bench-batch.js';
import { startServer, type TestServer } from '../helpers.js';

interface RewardResponse {
  rewards: number[];
  scores: number[];
  extra_logs: Record<string, number[]>;
  errors?: { index: number; message: string }[];
}

const FAILING = new URL('./fixtures/failing-grader.ts', import.meta.url).href;

/** 48 prompts x 8 samples of the benchmark's mix, with labels that cannot be graded among them. */
function mixedBatch(): RewardBatch {
  const b = rewardBatch(48, 8);
  for (const i of [5, 77, 300]) b.labels[i] = i === 77 ? '{"env_id": "Nope-v0", "seed": 1}' : '{"a": 1}';
  return b;
}

describe('reward workers', () => {
  const servers: Record<number, TestServer> = {};
  const batch = mixedBatch();
  let inThread: RewardResponse;

  beforeAll(async () => {
    for (const workers of [0, 1, 2]) servers[workers] = await startServer({ rewardWorkers: workers });
    const r = await servers[0].call<RewardResponse>('POST', '/v1/reward', batch);
    expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(200);
    inThread = r.body;
  });
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((s) => s.close()));
  });

  it('grade a mixed batch exactly as the request thread does, in order', async () => {
    // The batch is varied enough that a shuffled order would show.
    expect(new Set(inThread.rewards).size).toBeGreaterThan(5);
    expect(inThread.scores.filter((x) => x === 1).length).toBeGreaterThan(50);
    expect(inThread.errors?.map((e) => e.index)).toEqual([5, 77, 300]);
    for (const workers of [1, 2]) {
      const r = await servers[workers].call<RewardResponse>('POST', '/v1/reward', batch);
      expect(r.status).toBe(200);
      expect(r.body, `${workers} workers`).toEqual(inThread);
    }
  });

  it('answer many concurrent single-sample requests (OpenRLHF 0.10+) each with its own sample', async () => {
    const s = servers[2];
    const answers = await Promise.all(
      batch.query.map((q, i) => s.call<RewardResponse>('POST', '/v1/reward', { query: [q], prompts: [batch.prompts[i]], labels: [batch.labels[i]] })),
    );
    expect(answers.map((a) => a.status).every((x) => x === 200)).toBe(true);
    expect(answers.map((a) => a.body.rewards[0])).toEqual(inThread.rewards);
    expect(answers.map((a) => a.body.scores[0])).toEqual(inThread.scores);
    expect(answers[77].body.errors?.[0].message).toMatch(/body\.labels\[0\]: unknown env id/);
  });

  it('keep strict labels a 400 naming the first bad label', async () => {
    const r = await servers[2].call<{ message: string }>('POST', '/v1/reward', { ...batch, strict: true });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/^body\.labels\[5\]: a JSON label must name/);
  });
});

describe('reward grading failures', () => {
  const ok = '<|im_start|>assistant\n<think>x</think><answer>42</answer><|im_end|>';
  const good = { query: [ok, ok], labels: ['42', '42'] };

  it('a grader that throws in the request thread: a 500 naming the sample, then the server answers', async () => {
    const s = await startServer({ rewardWorkers: 0, rewardGrader: FAILING });
    try {
      const r = await s.call<{ error: string; message: string }>('POST', '/v1/reward', { query: [ok, ok, ok], labels: ['42', 'grader:throw', '42'] });
      expect(r.status).toBe(500);
      expect(r.body.message).toMatch(/grading sample 1 \(body\.query\[1\], body\.labels\[1\]\) failed: Error: the fixture grader threw on purpose/);
      expect((await s.call<RewardResponse>('POST', '/v1/reward', good)).body.rewards).toEqual([1.5, 1.5]);
    } finally {
      await s.close();
    }
  });

  it('on workers: a throw, a worker that exits and one that hangs are 500s; the workers are replaced', async () => {
    const s = await startServer({ rewardWorkers: 2, rewardGrader: FAILING, rewardWorkerTimeoutMs: 1500 });
    try {
      const thrown = await s.call<{ message: string }>('POST', '/v1/reward', { query: [ok, ok], labels: ['42', 'grader:throw'] });
      expect(thrown.status).toBe(500);
      expect(thrown.body.message).toMatch(/grading sample 1 .* failed: Error: the fixture grader threw on purpose/);

      // 40 samples over two idle workers: half each, the exit in the first half.
      const labels = Array.from({ length: 40 }, (_, i) => (i === 17 ? 'grader:exit' : '42'));
      const exited = await s.call<{ message: string }>('POST', '/v1/reward', { query: labels.map(() => ok), labels });
      expect(exited.status).toBe(500);
      expect(exited.body.message).toMatch(/a reward worker failed while grading samples 0-19 of this request: it exited with code 7; the worker is replaced/);
      expect((await s.call<RewardResponse>('POST', '/v1/reward', good)).body.rewards).toEqual([1.5, 1.5]);

      const hanging = s.call<{ message: string }>('POST', '/v1/reward', { query: [ok], labels: ['grader:hang'] });
      // The request thread is free while a worker is stuck: health and other grading still answer.
      const health = await s.call('GET', '/v1/health');
      expect(health.status).toBe(200);
      expect((await s.call<RewardResponse>('POST', '/v1/reward', good)).body.rewards).toEqual([1.5, 1.5]);
      const hung = await hanging;
      expect(hung.status).toBe(500);
      expect(hung.body.message).toMatch(/samples 0-0 of this request: it took over 1.5 s on one message; the worker is replaced/);
      expect((await s.call<RewardResponse>('POST', '/v1/reward', good)).body.rewards).toEqual([1.5, 1.5]);
    } finally {
      await s.close();
    }
  });

  it('closing the server stops the workers: a process that graded on them exits by itself', async () => {
    const script = fileURLToPath(new URL('./fixtures/reward-pool-exit.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | string>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve('still running after 40 s');
      }, 40_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c ?? 'killed');
      });
    });
    expect(code, err).toBe(0);
    expect(out).toMatch(/^graded 200 64$/m);
  });
});
