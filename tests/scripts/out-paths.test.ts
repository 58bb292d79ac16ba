/**
 * Output paths on the command lines: a path that cannot be created is a clear error, not Node 20's
 * endless recursive mkdir under /proc; a directory named as the file is said to be one; relative
 * paths resolve from where the user ran npm (INIT_CWD).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDir, writeFileAtomic } from '../../envs/node/atomic-file.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'out-paths-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | string; out: string; err: string; killed: boolean }> {
  try {
    // A short timeout: before the fix the /proc case never returned, so it must show as a kill.
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/env-cli.ts', ...args], { timeout: 25_000, killSignal: 'SIGKILL', env: { ...process.env, ...env } });
    return { code: 0, out: stdout, err: stderr, killed: false };
  } catch (e) {
    const x = e as { code: number | string; stdout: string; stderr: string; killed: boolean };
    return { code: x.code, out: x.stdout, err: x.stderr, killed: x.killed };
  }
}

describe('output paths', () => {
  it('--out under /proc fails at once with a message, not a spin', async () => {
    const r = await cli(['render', 'Sokoban-small-v0', '--out', '/proc/nope/x.png']);
    expect(r.killed).toBe(false);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot create directory \/proc\/nope/);
  }, 30_000);

  it('--out naming an existing directory says so instead of a bare EISDIR', async () => {
    const target = join(dir, 'a-dir');
    mkdirSync(target);
    const r = await cli(['render', 'Sokoban-small-v0', '--out', target]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`cannot write ${target}: it is a directory`);
    expect(r.err).not.toMatch(/EISDIR/);
  }, 30_000);

  it('relative --out and --gif land in the directory npm was run from (INIT_CWD)', async () => {
    const where = join(dir, 'user-cwd');
    mkdirSync(where);
    const r = await cli(['solve', 'Sokoban-small-v0', '--seed', '3', '--gif', 'sub/plan.gif', '--scale', '2'], { INIT_CWD: where });
    expect(r.code).toBe(0);
    const gif = readFileSync(join(where, 'sub', 'plan.gif'));
    expect(gif.subarray(0, 6).toString()).toBe('GIF89a');
    // --scale 2: a 7x7 board of 16 px cells is 112 px wide, 224 in the GIF.
    expect(gif.readUInt16LE(6)).toBe(224);
    expect(existsSync(join(process.cwd(), 'sub', 'plan.gif'))).toBe(false);
  }, 30_000);

  it('ensureDir: creates missing levels, refuses a file on the way', () => {
    ensureDir(join(dir, 'p', 'q', 'r'));
    expect(existsSync(join(dir, 'p', 'q', 'r'))).toBe(true);
    writeFileSync(join(dir, 'plain'), 'x');
    expect(() => ensureDir(join(dir, 'plain', 'below'))).toThrow(/plain is not a directory/);
    expect(() => writeFileAtomic(join(dir, 'p'), 'x')).toThrow(/it is a directory/);
  });
});
