// The before/after table: its paired-change column is computed from per-item outcomes on the same
// items, and older result files without outcomes show '-' rather than a made-up figure.
import { describe, expect, it } from 'vitest';
import { evalTable, pairedChange } from '../../../training/eval/evaluate.js';
import type { TaskResult } from '../../../training/eval/result.js';
import { bootstrapCI } from '../../../training/eval/stats.js';

function result(task: string, outcomes: number[] | undefined): TaskResult {
  const xs = outcomes ?? [0];
  return { task, items: xs.length, success: bootstrapCI(xs), outcomes: outcomes as number[], score: null, scores: [], reward: 0, passAtK: null, formatOk: 1, examples: [] };
}

describe('evalTable', () => {
  const before = [...new Array(30).fill(1), ...new Array(70).fill(0)];
  const after = [...new Array(30).fill(1), ...new Array(15).fill(1), ...new Array(55).fill(0)];

  it('adds the paired change of the last column over the first, in points with its CI', () => {
    const table = evalTable([
      { name: 'sft', results: [result('sokoban-text-6x6-1', before)] },
      { name: 'final', results: [result('sokoban-text-6x6-1', after)] },
    ]);
    const [head, , row] = table.split('\n');
    expect(head).toContain('final - sft: pass@1 points [95% paired CI]');
    // 15 items gained, none lost: +15 points, and every resample's mean is >= 0.
    const m = /\| \+15\.0 \[\+(\d+\.\d), \+(\d+\.\d)\] \|$/.exec(row);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(5);
    expect(Number(m![2])).toBeLessThan(25);
  });

  it('shows - without outcomes or with unpaired counts, and no change column for one model', () => {
    expect(pairedChange(result('t', undefined), result('t', after))).toBe('-');
    expect(pairedChange(result('t', [1, 0]), result('t', after))).toBe('-');
    expect(pairedChange(result('t', before), result('t', before))).toBe('+0.0 [+0.0, +0.0]');
    const one = evalTable([{ name: 'final', results: [result('t', after)] }]);
    expect(one).not.toContain('paired');
  });
});
