/**
 * Numeric flags on the real command lines: a value the flag cannot take is refused at once, exit
 * status 1, one line naming the flag, before any model, server or benchmark starts. The cases are
 * those that ran on silently (`train:agent --threads 0` trained on ORT's default thread count) or
 * failed late with a message that did not name the flag.
 */
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
// A run directory that does not exist: if a flag got through, --resume would fail there instead,
// without naming the flag (and without training anything).
const nowhere = join(tmpdir(), 'numeric-flags-no-such-run');

async function cli(file: string, args: string[]): Promise<{ code: number | string; err: string }> {
  try {
    const { stderr } = await run(process.execPath, ['--import', 'tsx', file, ...args], { timeout: 30_000, killSignal: 'SIGKILL' });
    return { code: 0, err: stderr };
  } catch (e) {
    const x = e as { code: number | string; stderr: string };
    return { code: x.code, err: x.stderr };
  }
}

const CASES: [file: string, args: string[], message: RegExp][] = [
  ['training/cli.ts', ['--threads', '0', '--resume', '--out', nowhere], /option '--threads <n>' argument '0' is invalid\. must be at least 1/],
  ['training/cli.ts', ['--eval-scale', '-1', '--resume', '--out', nowhere], /option '--eval-scale <x>' argument '-1' is invalid\. must be above 0/],
  ['training/cli.ts', ['--lr', '', '--resume', '--out', nowhere], /option '--lr <x>' argument '' is invalid\. "" is not a number/],
  ['training/eval/cli.ts', ['--ckpt', nowhere, '--threads', '0'], /option '--threads <n>' argument '0' is invalid/],
  ['training/eval/cli.ts', ['--ckpt', nowhere, '--k', '0'], /option '--k <n>' argument '0' is invalid/],
  ['agent/cli.ts', ['sample', '--preset', 'tiny', '--temperature', '-1'], /option '--temperature <t>' argument '-1' is invalid\. must be at least 0/],
  ['agent/cli.ts', ['sample', '--preset', 'tiny', '--top-p', '0'], /option '--top-p <p>' argument '0' is invalid\. must be above 0 and at most 1/],
  ['scripts/env-cli.ts', ['render', 'Sokoban-small-v0', '--seed', '-1'], /option '--seed <n>' argument '-1' is invalid\. must be at least 0/],
  ['scripts/bench-sampling.ts', ['--batch', '0'], /option '--batch <n>' argument '0' is invalid/],
  ['scripts/bench-server.ts', ['--duration', 'NaN'], /option '--duration <s>' argument 'NaN' is invalid/],
  ['scripts/football-calibrate.ts', ['--seeds', '1.5'], /option '--seeds <n>' argument '1\.5' is invalid/],
];

describe('numeric flags', () => {
  // Two at a time: each is a process start (1-3 s), on a machine with two cores.
  for (let i = 0; i < CASES.length; i += 2) {
    const pair = CASES.slice(i, i + 2);
    it(pair.map(([file, args]) => `${file} ${args.filter((a) => a !== nowhere).join(' ')}`).join('; '), async () => {
      const results = await Promise.all(pair.map(([file, args]) => cli(file, args)));
      results.forEach((r, j) => {
        const [file, args, message] = pair[j];
        const what = `${file} ${args.join(' ')}`;
        expect(r.code, what).toBe(1);
        expect(r.err, what).toMatch(message);
        expect(r.err, what).not.toMatch(/^\s+at /m); // a message, not a stack trace
      });
    }, 40_000);
  }
});
