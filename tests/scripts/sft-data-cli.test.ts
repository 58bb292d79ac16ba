// `npm run data:sft` on a real run directory: the table of what the warm start trained on, and a
// clear error where there is no run.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

async function dataSft(args: string[]): Promise<{ code: number | string; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/sft-data.ts', ...args], { timeout: 30_000, killSignal: 'SIGKILL' });
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const x = e as { code: number | string; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

describe('data:sft', () => {
  it("prints each task's rows and distinct items for the steps asked", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'data-sft-'));
    const config = { stages: ['sft'], sft: { mix: { 'countdown-d1': 1, 'arithmetic-d2': 3 }, batchSize: 4, steps: 100 } };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    const r = await dataSft(['--run', dir, '--steps', '50', '--out', join(dir, 'data.md')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\| countdown-d1 \| 50 \| \d+ \| [\d.]+% \|/);
    expect(r.out).toMatch(/\| arithmetic-d2 \| 150 \| 150 \| 100\.0% \|/);
    expect(r.out).toMatch(/\| all \| 200 \|/);
    expect(r.out).toContain(`wrote ${join(dir, 'data.md')}`);
  });

  it('names the directory when there is no run there', async () => {
    const r = await dataSft(['--run', join(tmpdir(), 'data-sft-no-such-run')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^data:sft: .*data-sft-no-such-run\/config\.json does not exist: --run takes a train:agent run directory/);
  });
});
