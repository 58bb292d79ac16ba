// A warm start killed with SIGKILL (a lost machine, an OOM kill: nothing saved on the way out)
// resumes from its last resume point to the same weights, bit for bit, as a run never stopped; and a
// kill inside a save's directory swap (only resume.old left, a dead save's temporary beside it)
// resumes the same way. Tiny throughout: two text tasks, 2 rows a step, a one-item final evaluation.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../../agent/model/index.js';
import { resolveConfig } from '../../../training/flags.js';
import { trainAgent } from '../../../training/train.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sft-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const STEPS = 12;
const config = join(dir, 'tiny.json');
writeFileSync(
  config,
  JSON.stringify({
    sft: { mix: { 'sokoban-text-6x6-1': 1, 'countdown-d1': 1 }, batchSize: 2, warmup: 1 },
    eval: { tasks: [{ task: 'countdown-d1', count: 1 }], options: { samples: 0, maxNewTokens: 8 } },
  }),
);
const flags = ['--stages', 'sft', '--sft-steps', String(STEPS), '--save-every', '2', '--threads', '1', '--quiet', '--config', config];

/** `npm run train:agent` without npm (what its script runs), so that the kill reaches the trainer itself. */
function cli(args: string[]): ChildProcess {
  return spawn('sh', [join(root, 'scripts/fast-allocator.sh'), process.execPath, '--import', 'tsx', 'training/cli.ts', ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
}

type Line = Record<string, unknown>;
const lines = (out: string): Line[] =>
  readFileSync(join(out, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Line);
/** Each training step's loss, by step: a step logged twice or never shows here. */
const losses = (out: string) => lines(out).filter((r) => r.stage === 'sft' && typeof r.loss === 'number').map((r) => [r.step, r.loss]);
const weights = (out: string) => readFileSync(join(out, 'sft', 'model.safetensors'));

describe('the warm start killed with SIGKILL', () => {
  it.runIf(process.platform !== 'win32')('resumes from its last resume point to the same bytes as a run never stopped', async () => {
    const killed = join(dir, 'killed');
    const child = cli([...flags, '--out', killed]);
    const end = exited(child);
    // Killed as soon as step 2 is logged: its resume point (after step 1) is on disk and step 3 is
    // running (or a later save, the rarer case; any moment must do).
    let sent = false;
    const poll = setInterval(() => {
      const f = join(killed, 'metrics.jsonl');
      if (sent || !existsSync(f)) return;
      if (/"step":[2-9]/.test(readFileSync(f, 'utf8'))) {
        sent = true;
        child.kill('SIGKILL');
      }
    }, 5);
    const first = await end;
    clearInterval(poll);
    expect(first.signal, first.stderr).toBe('SIGKILL');
    expect(lines(killed).some((r) => r.kind === 'eval')).toBe(false); // it never reached its end
    const at = loadCheckpoint(join(killed, 'resume')).metrics.resume_step;
    expect(at).toBeGreaterThanOrEqual(2);
    expect(at).toBeLessThan(STEPS);

    // A kill inside the next save's swap, on a copy: resume/ already renamed away, the new one not yet
    // in place, and the save's temporary directory half written.
    const swapped = join(dir, 'swapped');
    cpSync(killed, swapped, { recursive: true });
    renameSync(join(swapped, 'resume'), join(swapped, 'resume.old'));
    const temp = join(swapped, `.resume.tmp-${child.pid}-0000`);
    mkdirSync(temp);
    writeFileSync(join(temp, 'model.safetensors'), 'half of a file');

    // The steps before the resume point as the killed process logged them, timings included: a
    // resumed run keeps them; a run that started over (deterministic too) would log them anew.
    const kept = lines(killed).filter((r) => typeof r.loss === 'number' && (r.step as number) < at);
    expect(kept.length).toBe(at);

    // The CLI resumes the killed run while this process trains the run never stopped and resumes
    // the copy, all at once (two cores).
    const resumed = exited(cli(['--out', killed, '--resume', '--quiet']));
    const straight = join(dir, 'straight');
    await Promise.all([
      trainAgent(resolveConfig({ ...cliFlags(), out: straight }), { out: straight, quiet: true }),
      trainAgent(resolveConfig({ out: swapped, resume: true, quiet: true }), { out: swapped, resume: true, quiet: true }),
    ]);
    const second = await resumed;
    expect(second.code, second.stderr).toBe(0);

    const expected = losses(straight);
    expect(expected.map(([s]) => s)).toEqual([...Array(STEPS).keys()]);
    // Every step once, with the loss of the run never stopped: a resume that restarted from step 0
    // would log the first steps twice; one that lost the optimizer state would change the losses.
    expect(losses(killed)).toEqual(expected);
    expect(lines(killed).slice(0, at)).toEqual(kept);
    expect(lines(swapped).slice(0, at)).toEqual(kept);
    expect(losses(swapped)).toEqual(expected);
    expect(weights(killed).equals(weights(straight))).toBe(true);
    expect(weights(swapped).equals(weights(straight))).toBe(true);
    expect(existsSync(temp)).toBe(false); // the dead save's temporary was cleared
  }, 60_000);
});

/** The flags above as resolveConfig takes them. */
function cliFlags() {
  return { stages: 'sft', sftSteps: STEPS, saveEvery: 2, threads: 1, quiet: true, config, out: '' };
}
