// Learning-rate schedules: linear warm-up, then constant or cosine decay to `minLr`.

export interface Schedule {
  lr: number;
  /** Steps of linear warm-up from lr/warmup to lr. */
  warmup?: number;
  kind?: 'constant' | 'cosine';
  /** Last step of the cosine decay (required for cosine). */
  total?: number;
  /** Floor of the cosine decay; default 10% of lr. */
  minLr?: number;
  /**
   * The share of the run done at `step`, in [0, 1], in place of (step - warmup) / (total - warmup):
   * a budget in minutes decays by the time it has spent (StageClock, training/run.ts).
   */
  progress?: (step: number) => number;
}

/** The learning rate for 0-based `step`. */
export function lrAt(step: number, s: Schedule): number {
  const warmup = s.warmup ?? 0;
  if (step < warmup) return (s.lr * (step + 1)) / warmup;
  if ((s.kind ?? 'constant') === 'constant') return s.lr;
  const minLr = s.minLr ?? s.lr * 0.1;
  let p: number;
  if (s.progress) p = Math.min(1, Math.max(0, s.progress(step)));
  else {
    if (s.total === undefined) throw new Error('cosine schedule needs `total` or `progress`');
    p = Math.min(1, (step - warmup) / Math.max(1, s.total - warmup));
  }
  return minLr + 0.5 * (s.lr - minLr) * (1 + Math.cos(Math.PI * p));
}
