/**
 * Keyboard play in a real pseudo-terminal (util-linux `script` allocates it): arrow keys typed
 * into the terminal solve a Sokoban level, as a person would play it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { splitKeys } from '../../../envs/node/terminal-play.js';

const ARROW: Record<string, string> = { up: '\u001b[A', down: '\u001b[B', right: '\u001b[C', left: '\u001b[D' };
// The viewer's WASD too: the terminal and the viewer share one key map (envs/core/keymap.ts).
const WASD: Record<string, string> = { up: 'w', down: 's', right: 'd', left: 'a' };
const hasScript = spawnSync('script', ['--version']).status === 0;
if (!hasScript) console.warn('SKIPPING the terminal play test: util-linux `script` is not installed');

describe('splitKeys', () => {
  it('splits chunks of fast typing into keys', () => {
    expect(splitKeys('\u001b[A\u001b[Bq')).toEqual(['\u001b[A', '\u001b[B', 'q']);
    expect(splitKeys('r\u001b')).toEqual(['r', '\u001b']);
  });
});

describe.runIf(hasScript)('npm run env -- play', () => {
  it('solves a level from the keyboard and reports the score', async () => {
    // The optimal plan of Sokoban-small-v0 seed 3 (as printed by `npm run env -- solve`).
    const plan = 'down left left up left left down right left down right up right down up right down right up'.split(' ');
    const child = spawn('script', ['-q', '-c', `${process.execPath} --import tsx scripts/env-cli.ts play Sokoban-small-v0 --seed 3`, '/dev/null']);
    let screen = '';
    child.stdout.on('data', (d: Buffer) => (screen += d.toString()));
    const ready = async (text: string) => {
      for (let i = 0; i < 600 && !screen.includes(text); i++) await new Promise((r) => setTimeout(r, 50));
      // A wait that ran out is a failure, not a silent 30 s pause (it hid a stale prompt text).
      if (!screen.includes(text)) throw new Error(`the terminal never showed "${text}"; it showed:\n${screen.slice(-2000)}`);
    };
    await ready('Up/w up');
    // All moves in one write, arrows and WASD alternating: the game must take them one by one.
    child.stdin.write(plan.map((m, i) => (i % 2 ? WASD[m] : ARROW[m])).join(''));
    await ready('episode over');
    child.stdin.write('q');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(screen).toContain('episode over (terminated), score 100');
    expect(code).toBe(0);
  }, 60_000);
});
