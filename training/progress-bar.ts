/** A progress bar on stderr for long work, silent when stderr is not a terminal (so a script's stdout stays its output). */
import { progress } from './progress.js';

export interface Progress {
  tick(n?: number): void;
  stop(): void;
}

export function progressBar(total: number, label: string): Progress {
  const bar = progress(label, total, { stdoutIsTTY: true });
  let done = 0;
  return { tick: (n = 1) => bar.update((done += n)), stop: () => bar.stop() };
}
