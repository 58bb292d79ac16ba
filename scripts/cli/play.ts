/**
 * Keyboard play in the terminal: arrow keys move, and every other action has a key shown on
 * screen. Works for any registered env.
 */
import type { Env, StepResult } from '../../envs/index.js';

const ARROWS: Record<string, string[]> = {
  '\u001b[A': ['up', 'top'],
  '\u001b[B': ['down', 'bottom'],
  '\u001b[D': ['left'],
  '\u001b[C': ['right'],
};
// Neither q (quit) nor r (restart) names an action.
const KEYS = '1234567890abcdefghijklmnopstuvwxyz';

export async function playInTerminal(env: Env, seed: number): Promise<void> {
  const { stdin, stdout } = process;
  if (!stdin.isTTY) throw new Error('play needs an interactive terminal (stdin is not a TTY)');
  const names = env.spaces.action.type === 'discrete' ? (env.spaces.action.names ?? []) : [];
  const keyFor = new Map<string, number>();
  names.forEach((_, i) => keyFor.set(KEYS[i], i));
  for (const [seq, candidates] of Object.entries(ARROWS)) {
    const i = names.findIndex((n) => candidates.includes(n));
    if (i >= 0) keyFor.set(seq, i);
  }
  let { observation } = env.reset({ seed });
  let total = 0;
  let last: StepResult | null = null;
  const draw = () => {
    stdout.write('\u001b[2J\u001b[H');
    stdout.write(`${env.id}  seed ${seed}  return ${total.toFixed(2)}\n\n${observation.text}\n\n`);
    if (last) stdout.write(`last reward ${last.reward.toFixed(2)}  ${JSON.stringify(last.info)}\n\n`);
    stdout.write(`arrows move; ${names.map((n, i) => `${KEYS[i]}=${n}`).join(' ')}; r restarts, q or Esc quits\n`);
  };
  draw();
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  await new Promise<void>((resolve) => {
    // One chunk can hold several keys (fast typing, pasted input): handle them one by one.
    stdin.on('data', (chunk: string) => {
      for (const key of splitKeys(chunk)) if (onKey(key)) return;
    });
    const onKey = (key: string): boolean => {
      if (key === 'q' || key === '\u001b' || key === '\u0003') {
        stdin.setRawMode(false);
        stdin.pause();
        resolve();
        return true;
      }
      if (key === 'r') {
        ({ observation } = env.reset({ seed }));
        total = 0;
        last = null;
      } else {
        const action = keyFor.get(key);
        if (action === undefined) return false;
        if (last && (last.terminated || last.truncated)) return false;
        last = env.step(action);
        observation = last.observation;
        total += last.reward;
        if (last.terminated || last.truncated) {
          draw();
          stdout.write(`\nepisode over (${last.terminated ? 'terminated' : 'truncated'}), score ${String(last.info.score ?? '-')}; r restarts, q quits\n`);
          return false;
        }
      }
      draw();
      return false;
    };
  });
}

/** Splits terminal input into keys: CSI escape sequences (arrows) and single characters. */
export function splitKeys(chunk: string): string[] {
  return chunk.match(/\u001b\[[0-9;]*[A-Za-z~]|\u001b|[\s\S]/gu) ?? [];
}
