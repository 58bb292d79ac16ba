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
}

/** The learning rate for 0-based `step`. */
export function lrAt(step: number, s: Schedule): number {
  const warmup = s.warmup ?? 0;
  if (step < warmup) return (s.lr * (step + 1)) / warmup;
  if ((s.kind ?? 'constant') === 'constant') return s.lr;
  if (s.total === undefined) throw new Error('cosine schedule needs `total`');
  const minLr = s.minLr ?? s.lr * 0.1;
  const span = Math.max(1, s.total - warmup);
  const p = Math.min(1, (step - warmup) / span);
  return minLr + 0.5 * (s.lr - minLr) * (1 + Math.cos(Math.PI * p));
}
