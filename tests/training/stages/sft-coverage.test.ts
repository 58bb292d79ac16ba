// What a warm start trained on: the coverage counts agree with the batches the run itself draws.
import { describe, expect, it } from 'vitest';
import { sftItems, type SftPhase } from '../../../training/stages/sft.js';
import { sftCoverage, sftRowCounts } from '../../../training/stages/sft-coverage.js';

const phases: SftPhase[] = [
  { from: 40, mix: { 'countdown-d1': 1, 'sokoban-text-6x6-1': 1 }, batchSize: 6 },
  { from: 70, mix: { 'arithmetic-d2': 1 }, batchSize: 2 },
];
const cfg = { mix: { 'countdown-d1': 3, 'arithmetic-d2': 1 }, batchSize: 8, seed: 3, phases };

/** Rows and distinct keys per task, counted off the items the run's own batches hold. */
function fromBatches(steps: number, heldOut: ReadonlySet<string>): Map<string, { rows: number; keys: Set<string> }> {
  const items = sftItems(cfg.mix, cfg.batchSize, cfg.seed, heldOut, cfg.phases);
  const out = new Map<string, { rows: number; keys: Set<string> }>();
  for (let s = 0; s < steps; s++) {
    for (const it of items(s)) {
      const t = out.get(it.task) ?? { rows: 0, keys: new Set<string>() };
      t.rows++;
      t.keys.add(it.key);
      out.set(it.task, t);
    }
  }
  return out;
}

describe('sftCoverage', () => {
  it('counts the rows and distinct items the batches of every phase hold', () => {
    const steps = 90;
    const want = fromBatches(steps, new Set());
    const got = sftCoverage(cfg, steps, new Set());
    expect(got.map((c) => c.task)).toEqual(['countdown-d1', 'arithmetic-d2', 'sokoban-text-6x6-1']);
    for (const c of got) expect({ rows: c.rows, distinct: c.distinct }).toEqual({ rows: want.get(c.task)!.rows, distinct: want.get(c.task)!.keys.size });
    // Countdown with three small numbers repeats itself within a few hundred items: distinct < rows.
    const countdown = got.find((c) => c.task === 'countdown-d1')!;
    expect(countdown.rows).toBe(40 * 6 + 30 * 3);
    expect(countdown.distinct).toBeLessThan(countdown.rows);
  });

  it('stops where the steps stop, leaving out phases not reached', () => {
    expect([...sftRowCounts(cfg, 50)]).toEqual([
      ['countdown-d1', 40 * 6 + 10 * 3],
      ['arithmetic-d2', 40 * 2],
      ['sokoban-text-6x6-1', 10 * 3],
    ]);
    expect([...sftRowCounts(cfg, 40)]).toEqual([
      ['countdown-d1', 240],
      ['arithmetic-d2', 80],
    ]);
  });

  it('draws with the held-out set, as training does', () => {
    const first = sftItems(cfg.mix, cfg.batchSize, cfg.seed, new Set())(0);
    const heldOut = new Set([first[0].key, first[1].key]);
    const want = fromBatches(45, heldOut);
    for (const c of sftCoverage(cfg, 45, heldOut)) expect(c.distinct).toBe(want.get(c.task)!.keys.size);
  });
});
