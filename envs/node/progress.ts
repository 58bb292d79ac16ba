// Progress of long work, for whoever is watching: a bar on stderr when it is a terminal, and one
// line per interval on stdout when stdout is not one (`train:agent > log` shows its progress in the
// log, a CI run in its output). A terminal with stdout redirected gets both: the bar on screen and
// the lines in the file.
import cliProgress from 'cli-progress';

export interface Progress {
  /** `value` out of the total so far; `status` the live fields (reward, loss, ...). */
  update(value: number, status?: string): void;
  stop(): void;
}

export interface ProgressOptions {
  /** The value the work starts from (a resumed stage's steps already done). */
  start?: number;
  /** Unit of the value (' s' for a wall-clock budget; empty for steps or items). */
  unit?: string;
  /** What one update counts, for the rate (default `steps`; null: no rate, as for a fraction done). */
  per?: string | null;
  /** Lines at every this share of the total (default 5%), and at least once a minute. */
  lineEvery?: number;
  quiet?: boolean;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  write?: (line: string) => void;
  now?: () => number;
}

export function progress(label: string, total: number, o: ProgressOptions = {}): Progress {
  if (o.quiet) return { update: () => {}, stop: () => {} };
  const parts: Progress[] = [];
  if (o.stderrIsTTY ?? process.stderr.isTTY) parts.push(terminalBar(label, total, o.unit ?? '', o.start ?? 0));
  if (!(o.stdoutIsTTY ?? process.stdout.isTTY)) parts.push(progressLines(label, total, o));
  return { update: (v, s = '') => parts.forEach((p) => p.update(v, s)), stop: () => parts.forEach((p) => p.stop()) };
}

function terminalBar(label: string, total: number, unit: string, start: number): Progress {
  const bar = new cliProgress.SingleBar(
    { format: `${label.padEnd(4)} [{bar}] {value}/{total}${unit} eta {eta_formatted} {status}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, start, { status: '' });
  return { update: (value, status) => bar.update(value, { status }), stop: () => bar.stop() };
}

/** "3m05s", "42s". */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

function progressLines(label: string, total: number, o: ProgressOptions): Progress {
  const now = o.now ?? (() => performance.now());
  const write = o.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const every = Math.max(total * (o.lineEvery ?? 0.05), Number.MIN_VALUE);
  const start = now();
  const from = o.start ?? 0;
  let updates = 0;
  let lastLineAt = start;
  let nextMark = from + every;
  let last = { value: 0, status: '' };
  let printed = -1;
  const line = (value: number, status: string) => {
    const elapsed = (now() - start) / 1000;
    // Rate and ETA count this process's work only (a resumed stage's earlier steps took no time here).
    const done = value - from;
    const eta = done > 0 ? ((total - value) * elapsed) / done : Number.NaN;
    const pct = `${total > 0 ? ((100 * value) / total).toFixed(0) : 100}%`;
    // A total of 1 is a fraction done (an evaluation's items over its tasks): the percentage says it.
    const count = total === 1 ? pct : `${Math.round(value)}/${total}${o.unit ?? ''} (${pct})`;
    const rate = o.per !== null && elapsed > 0 ? `  ${(updates / elapsed).toFixed(2)} ${o.per ?? 'steps'}/s` : '';
    write(`${label} ${count}${status ? `  ${status}` : ''}${rate}  ${value >= total ? `took ${duration(elapsed)}` : `eta ${duration(eta)}`}`);
    printed = value;
    lastLineAt = now();
  };
  return {
    update(value, status = '') {
      updates++;
      last = { value, status };
      const due = value >= nextMark || value >= total || now() - lastLineAt >= 60_000;
      if (!due) return;
      while (nextMark <= value) nextMark += every;
      line(value, status);
    },
    stop() {
      if (updates > 0 && printed !== last.value) line(last.value, last.status);
    },
  };
}

/** A counter of items done, for scripts' long work: `tick()` per item. */
export interface Counter {
  tick(n?: number): void;
  stop(): void;
}

/** A counting bar on stderr, silent when stderr is not a terminal (so a script's stdout stays its output). */
export function progressBar(total: number, label: string): Counter {
  const bar = progress(label, total, { stdoutIsTTY: true });
  let done = 0;
  return { tick: (n = 1) => bar.update((done += n)), stop: () => bar.stop() };
}
