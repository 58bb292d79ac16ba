// `npm run model -- ...`: bad input gets one clear line on stderr and exit status 1, and nothing the
// user had is touched.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'tinylmm-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'agent/cli.ts', ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('model CLI', () => {
  it('init writes a checkpoint that info reads back', () => {
    const dir = join(root, 'ck');
    expect(cli('init', dir, '--seed', '3').status).toBe(0);
    const info = cli('info', dir, '--json');
    expect(info.status).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ preset: 'tiny', step: 0 });
  }, 60_000);

  it('copy makes a resume point (weights and optimizer state) a plain checkpoint, refusing to overwrite', async () => {
    const { createModel, saveModel, loadModel, loadCheckpoint } = await import('../../agent/model/index.js');
    const src = join(root, 'resume');
    const model = createModel('tiny', { seed: 4 });
    model.step = 120;
    model.metrics = { loss: 0.5, resume_step: 120 };
    const p = model.params.get('embed.weight')!;
    saveModel(model, src, { state: new Map([['adam.m.embed.weight', { dtype: 'float32', shape: p.shape, data: new Float32Array(p.data.length).fill(1) }]]) });
    const dst = join(root, 'copied');
    expect(cli('copy', src, dst).status).toBe(0);
    const copy = loadModel(dst);
    expect(copy.step).toBe(120);
    expect(copy.metrics).toEqual({ loss: 0.5 });
    expect(Buffer.from(copy.params.get('embed.weight')!.data.buffer).equals(Buffer.from(p.data.buffer))).toBe(true);
    expect(loadCheckpoint(dst).state?.size ?? 0).toBe(0);
    const again = cli('copy', src, dst);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already holds a checkpoint .*--force/);
  }, 60_000);

  it('bad arguments: one clear message, exit status 1', () => {
    const cases: Array<[string[], RegExp]> = [
      [['init', join(root, 'x'), '--config', '{bad'], /--config is not valid JSON/],
      [['init', join(root, 'x'), '--config', 'null'], /--config must be a JSON object/],
      [['init', join(root, 'x'), '--config', '{"dModel":"wide"}'], /invalid model config: \/dModel/],
      [['sample', '--preset', 'tiny', '--num', '0'], /--num <n>' argument '0' is invalid\. must be at least 1/],
      [['sample', '--preset', 'tiny', '--max-new-tokens', '-3'], /argument '-3' is invalid/],
      [['info', join(root, 'missing')], /no manifest\.json/],
    ];
    for (const [args, want] of cases) {
      const r = cli(...args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(want);
      expect(r.stderr, args.join(' ')).not.toMatch(/^\s+at /m); // a message, not a stack trace
    }
  }, 120_000);

  it('init into a directory that is not a checkpoint refuses and leaves it alone', () => {
    const dir = join(root, 'mine');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'keep');
    const r = cli('init', dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/refusing to save/);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('keep');
  }, 60_000);

  it('init onto an existing checkpoint refuses without --force, and keeps it', () => {
    const dir = join(root, 'trained');
    expect(cli('init', dir, '--seed', '1', '--config', '{"positions":"rope"}').status).toBe(0);
    const before = readFileSync(join(dir, 'manifest.json'), 'utf8');
    const r = cli('init', dir, '--seed', '2');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/already holds a checkpoint \(tiny, step 0\); pass --force/);
    expect(readFileSync(join(dir, 'manifest.json'), 'utf8')).toBe(before);
    expect(cli('init', dir, '--seed', '2', '--force').status).toBe(0);
    expect(readFileSync(join(dir, 'manifest.json'), 'utf8')).not.toBe(before);
  }, 90_000);

  it('sample on an untrained checkpoint says it is untrained', () => {
    const dir = join(root, 'fresh');
    expect(cli('init', dir).status).toBe(0);
    const r = cli('sample', dir, '--max-new-tokens', '4', '--threads', '1');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/untrained checkpoint \(step 0\)/);
  }, 90_000);
});
