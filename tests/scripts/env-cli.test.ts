/** The env CLI, run as a user runs it: a child process per command, files checked afterwards. */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { fromLmmR1Jsonl } from '../../envs/index.js';
import { parseReplay, verifyReplay } from '../../envs/replay/index.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'env-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/env-cli.ts', ...args], { timeout: 60_000 });
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

describe('npm run env', () => {
  it('lists every registered id', async () => {
    const { code, out } = await cli('list');
    expect(code).toBe(0);
    expect(out).toContain('Sokoban-small-v0');
    expect(out).toContain('Football-11v11-v0');
  });

  it('ends quietly when its reader has closed the pipe (`env list | head -0`)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/env-cli.ts', 'list'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // The reader is gone before the first line is written (Node starts in about half a second).
    child.stdout.destroy();
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(err).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  });

  it('renders a PNG and prints the text view', async () => {
    const file = join(dir, 'frame.png');
    const { code, out } = await cli('render', 'Sokoban-small-v0', '--seed', '3', '--out', file);
    expect(code).toBe(0);
    expect(out).toContain('boxes on target: 0/2');
    expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
  });

  it('solves a level optimally and animates the plan', async () => {
    const gif = join(dir, 'plan.gif');
    const { code, out } = await cli('solve', 'Sokoban-small-v0', '--seed', '3', '--gif', gif);
    expect(code).toBe(0);
    expect(out).toMatch(/optimal plan, \d+ moves/);
    expect(out).toContain('score 100');
    expect(readFileSync(gif).subarray(0, 6).toString()).toBe('GIF89a');
  });

  it('rolls out a football episode into a verifiable replay', async () => {
    const replayFile = join(dir, 'ep.json');
    const { code, out } = await cli('rollout', 'Football-empty-goal-close-v0', '--agent', 'heuristic', '--seed', '2', '--replay', replayFile);
    expect(code).toBe(0);
    expect(out).toMatch(/score/);
    const replay = parseReplay(JSON.parse(readFileSync(replayFile, 'utf8')));
    expect(verifyReplay(replay).ok).toBe(true);
  });

  it('writes a puzzle dataset in LMM-R1 JSONL', async () => {
    const file = join(dir, 'c.jsonl');
    const { code } = await cli('dataset', 'countdown', '--size', '12', '--seed', '5', '--out', file);
    expect(code).toBe(0);
    expect(fromLmmR1Jsonl(readFileSync(file, 'utf8'))).toHaveLength(12);
  });

  it('fails with a message a person can act on', async () => {
    // Five child processes at once, not one after another (12 s at load 4 on two cores).
    const [unknown, badSeed, badOption, notSokoban, noTty] = await Promise.all([
      cli('render', 'Sokoban-nope-v0'),
      cli('render', 'Sokoban-small-v0', '--seed', 'abc'),
      cli('render', 'Sokoban-small-v0', '--options', '{"max_stepz": 3}'),
      cli('solve', 'Football-11v11-v0'),
      cli('play', 'Sokoban-small-v0'),
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('unknown env id "Sokoban-nope-v0"; registered ids:');
    expect(badSeed.code).not.toBe(0);
    expect(badSeed.err).toContain('"abc" is not an integer');
    expect(badOption.err).toContain('unknown option max_stepz');
    expect(notSokoban.err).toContain('solve works on Sokoban ids');
    expect(noTty.err).toContain('needs an interactive terminal');
  });
});
