/** `--levels FILE` on the env CLI: a Boxoban file read from disk, as a user runs it. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'levels-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Two levels in Boxoban's layout; the second one is the one level_index 1 picks. */
const FILE = ['; 0', '#####', '#@$.#', '#####', '', '; 1', '#######', '#@ $ .#', '#######', ''].join('\n');

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/env-cli.ts', ...args], { timeout: 60_000, env: { ...process.env, ...env } });
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

describe('npm run env -- ... --levels FILE', () => {
  it('plays a level of the file, the path read from where npm was run (INIT_CWD)', async () => {
    writeFileSync(join(dir, 'levels.txt'), FILE);
    const { code, out, err } = await cli(['solve', 'Sokoban-v0', '--levels', 'levels.txt', '--options', '{"level_index":1}'], { INIT_CWD: dir });
    expect(err).not.toMatch(/error/);
    expect(code).toBe(0);
    expect(out).toContain('#@_$_.#');
    expect(out).toMatch(/optimal plan, 3 moves/);
    expect(out).toMatch(/score 100/);
  });

  it('refuses levels given twice, and names a file it cannot read', async () => {
    const twice = await cli(['render', 'Sokoban-v0', '--levels', join(dir, 'levels.txt'), '--options', '{"levels":"#"}', '--out', join(dir, 'x.png')]);
    expect(twice.code).toBe(1);
    expect(twice.err).toMatch(/levels given twice/);
    const missing = await cli(['render', 'Sokoban-v0', '--levels', join(dir, 'nope.txt'), '--out', join(dir, 'x.png')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/--levels .*nope\.txt: cannot read .* \(ENOENT\)/);
  });
});
