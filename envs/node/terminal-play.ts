/**
 * Keyboard play in the terminal, with the viewer's key map (envs/core/keymap.ts) printed on screen.
 * Works for any registered env.
 */
import { actionForKey, formatNumber, humanJson, keyBindings, keyHelp, type Env, type StepResult } from '../index.js';

/** Terminal escape sequences as the DOM's key names, so the viewer's key map applies (normal and application cursor mode). */
const SEQUENCES: Record<string, string> = {
  '\u001b[A': 'ArrowUp',
  '\u001b[B': 'ArrowDown',
  '\u001b[C': 'ArrowRight',
  '\u001b[D': 'ArrowLeft',
  '\u001bOA': 'ArrowUp',
  '\u001bOB': 'ArrowDown',
  '\u001bOC': 'ArrowRight',
  '\u001bOD': 'ArrowLeft',
};

export async function playInTerminal(env: Env, seed: number): Promise<void> {
  const { stdin, stdout } = process;
  if (!stdin.isTTY) throw new Error('play needs an interactive terminal (stdin is not a TTY)');
  const names = env.spaces.action.type === 'discrete' ? (env.spaces.action.names ?? []) : [];
  const bindings = keyBindings(names);
  let { observation } = env.reset({ seed });
  let total = 0;
  let last: StepResult | null = null;
  const draw = () => {
    stdout.write('\u001b[2J\u001b[H');
    stdout.write(`${env.id}  seed ${seed}  return ${formatNumber(total)}\n\n${observation.text}\n\n`);
    if (last) stdout.write(`last reward ${formatNumber(last.reward)}  ${humanJson(last.info)}\n\n`);
    stdout.write(`keys: ${keyHelp(bindings)}; r restarts, q or Esc quits\n`);
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
        const action = actionForKey(bindings, SEQUENCES[key] ?? key);
        if (action === undefined) return false;
        if (last && (last.terminated || last.truncated)) return false;
        last = env.step(action);
        observation = last.observation;
        total += last.reward;
        if (last.terminated || last.truncated) {
          draw();
          stdout.write(`\nepisode over (${last.terminated ? 'terminated' : 'truncated'}), score ${typeof last.info.score === 'number' ? formatNumber(last.info.score) : '-'}; r restarts, q quits\n`);
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
