/**
 * A training run on a full disk: every write a run makes (the metrics log, samples, JSON files, a
 * checkpoint) fails with an error that names the file or checkpoint, not Node's bare
 * "ENOSPC: no space left on device, write", and leaves no temporary file. The full disk is
 * injected: writes through a descriptor and appends under the run's directory fail with ENOSPC.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { writeFileAtomic, writeFileAtomicAsync } from '../../envs/node/atomic-file.js';
import { Run } from '../../training/run.js';
import { microModel } from './rl/micro.js';

const full = vi.hoisted(() => ({ dir: '' }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
  const under = (path: unknown) => full.dir !== '' && String(path).startsWith(full.dir);
  const fdPaths = new Map<number, string>();
  const openSync = ((...a: Parameters<typeof fs.openSync>) => {
    const fd = fs.openSync(...a);
    fdPaths.set(fd, String(a[0]));
    return fd;
  }) as typeof fs.openSync;
  const writeSync = ((fd: number, ...rest: unknown[]) => {
    if (under(fdPaths.get(fd))) throw enospc();
    return (fs.writeSync as (...a: unknown[]) => number)(fd, ...rest);
  }) as typeof fs.writeSync;
  const appendFileSync = ((path: Parameters<typeof fs.appendFileSync>[0], ...rest: unknown[]) => {
    if (under(path)) throw enospc();
    return (fs.appendFileSync as (...a: unknown[]) => void)(path, ...rest);
  }) as typeof fs.appendFileSync;
  const mocked = { ...fs, openSync, writeSync, appendFileSync };
  return { ...mocked, default: mocked };
});

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const open = (async (...args: Parameters<typeof fs.open>) => {
    const handle = await fs.open(...args);
    if (full.dir !== '' && String(args[0]).startsWith(full.dir)) {
      handle.writeFile = (() => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }))) as typeof handle.writeFile;
    }
    return handle;
  }) as typeof fs.open;
  return { ...fs, open, default: { ...fs, open } };
});

const root = mkdtempSync(join(tmpdir(), 'full-disk-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => {
  full.dir = '';
});

const CAUSE = 'ENOSPC: no space left on device, write';

describe('writes on a full disk name the path', () => {
  it('the metrics log, the samples, a JSON file and a checkpoint of a run', () => {
    const dir = join(root, 'run');
    const run = new Run(dir, microModel(1), new Set(), true);
    run.log({ step: 0 }); // the disk has room yet
    full.dir = dir;
    const failure = (f: () => void): NodeJS.ErrnoException => {
      try {
        f();
      } catch (e) {
        return e as NodeJS.ErrnoException;
      }
      throw new Error('expected the write to fail');
    };
    const metrics = failure(() => run.log({ step: 1 }));
    expect(metrics.message).toBe(`cannot write ${join(dir, 'metrics.jsonl')}: ${CAUSE}`);
    expect(metrics.code).toBe('ENOSPC'); // still a full disk to code that asks
    expect(failure(() => run.logSamples('sft', { step: 1 })).message).toBe(`cannot write ${join(dir, 'samples', 'sft.jsonl')}: ${CAUSE}`);
    expect(failure(() => run.writeJson('config.json', {})).message).toBe(`cannot write ${join(dir, 'config.json')}: ${CAUSE}`);
    const ckpt = failure(() => run.saveResume({ stage: 'sft', step: 1 }, null));
    expect(ckpt.message).toBe(`cannot save the checkpoint ${join(dir, 'resume')}: ${CAUSE}`);
    expect(ckpt.code).toBe('ENOSPC');
    // Nothing half-written is left: no temp file, no temp checkpoint directory, no checkpoint.
    expect(readdirSync(dir).sort()).toEqual(['metrics.jsonl', 'samples']);
    expect(existsSync(join(dir, 'resume'))).toBe(false);
  });

  it('the atomic writers, sync and async', async () => {
    const dir = join(root, 'out');
    full.dir = dir;
    expect(() => writeFileAtomic(join(dir, 'a.json'), '{}')).toThrow(`cannot write ${join(dir, 'a.json')}: ${CAUSE}`);
    await expect(writeFileAtomicAsync(join(dir, 'b.json'), '{}')).rejects.toThrow(`cannot write ${join(dir, 'b.json')}: ${CAUSE}`);
    expect(readdirSync(dir)).toEqual([]);
  });
});
