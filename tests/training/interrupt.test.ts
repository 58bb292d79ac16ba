// Ctrl-C as a terminal sends it, to the whole process group of `npm run train:agent`: the run
// finishes its step, saves a resume point and says how to continue (exit 130). npm scripts start
// Node with `--import tsx` rather than through the tsx CLI, whose signal relay kills its child
// (SIGKILL, nothing saved) when the child does not confirm the signal within 30 ms, as a busy event
// loop mid-step does not: seen by hand 45 s into a default run, at c0e0823 too.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'interrupt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('train:agent under npm run', () => {
  it.runIf(process.platform !== 'win32')('Ctrl-C to its process group saves a resume point and says how to continue', async () => {
    const out = join(dir, 'run');
    const child = spawn('npm', ['run', '-s', 'train:agent', '--', '--out', out, '--stages', 'fre', '--fre-steps', '20', '--eval-scale', '0.01'], {
      detached: true, // its own process group, as a terminal's foreground job
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    let sent = false;
    const read = (d: Buffer) => {
      text += d.toString();
      // The first progress line (stdout is a pipe): the stage is stepping.
      if (!sent && /^fre \d+\/20/m.test(text)) {
        sent = true;
        setTimeout(() => process.kill(-child.pid!, 'SIGINT'), 300); // mid-step, not between steps
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    const code = await new Promise<number | string | null>((resolve) => child.on('exit', (c, s) => resolve(c ?? s)));
    expect(sent).toBe(true);
    expect(text).toMatch(/interrupted: saving a resume point/);
    expect(text).toMatch(/stopped at fre step \d+; continue with: npm run train:agent -- --out \S+ --resume/);
    expect(existsSync(join(out, 'resume', 'manifest.json'))).toBe(true);
    // The run exits 130; npm, which got the same Ctrl-C, passes it on as its own death by SIGINT.
    expect([130, 'SIGINT']).toContain(code);
  }, 60_000);
});
