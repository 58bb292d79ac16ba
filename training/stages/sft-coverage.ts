// What a warm start trained on, task by task: the rows it drew in its first `steps` steps and how
// many distinct items (by content key, as held-out sets are disjoint by) those rows held. Small
// boards repeat across seeds, so the two differ, and the distinct count is what says how much a
// task's stream still had to teach. Computed by drawing the run's items again as the run drew
// them (`sftPlan`), without a model.
import { trainingItem, type ItemTask } from '../tasks/index.js';
import { sftPlan, type SftPhasePlan, type SftStageConfig } from './sft.js';

export interface TaskCoverage {
  task: string;
  /** Rows of the task in the steps counted: items drawn, repeats included. */
  rows: number;
  /** Distinct content keys among them. */
  distinct: number;
}

/** Each source's rows in steps 0 .. steps - 1, in the order tasks first appear in the plan's phases (tasks of phases not reached: none). */
function sourceRows(plan: readonly SftPhasePlan[], steps: number): Map<string, { source: ItemTask; rows: number }> {
  const out = new Map<string, { source: ItemTask; rows: number }>();
  plan.forEach((p, i) => {
    const end = Math.min(i + 1 < plan.length ? plan[i + 1].from : steps, steps);
    const span = Math.max(0, end - p.from);
    if (span > 0) p.sources.forEach((source, si) => out.set(source.name, { source, rows: (out.get(source.name)?.rows ?? 0) + span * p.perStep[si] }));
  });
  return out;
}

/** Each task's rows in steps 0 .. steps - 1, in the order tasks first appear in the run's phases (tasks of phases not reached: none). */
export function sftRowCounts(cfg: Pick<SftStageConfig, 'mix' | 'batchSize' | 'phases'>, steps: number): Map<string, number> {
  return new Map([...sourceRows(sftPlan(cfg.mix, cfg.batchSize, cfg.phases), steps)].map(([task, r]) => [task, r.rows]));
}

/**
 * Rows and distinct items per task over the run's first `steps` steps. A task's items are numbered
 * 0, 1, 2, ... over the whole run (`sftPlan`), so its rows are items 0 .. rows - 1 of its stream,
 * each drawn with the run's seed and held-out set. `onItems(n)` reports progress.
 */
export function sftCoverage(
  cfg: Pick<SftStageConfig, 'mix' | 'batchSize' | 'phases' | 'seed'>,
  steps: number,
  heldOut: ReadonlySet<string>,
  onItems: (n: number) => void = () => {},
): TaskCoverage[] {
  return [...sourceRows(sftPlan(cfg.mix, cfg.batchSize, cfg.phases), steps)].map(([task, { source, rows }]) => {
    const keys = new Set<string>();
    for (let i = 0; i < rows; i++) {
      keys.add(trainingItem((s, j) => source.item(s, j), cfg.seed, i, heldOut).key);
      if ((i + 1) % 1000 === 0) onItems(1000);
    }
    onItems(rows % 1000);
    return { task, rows, distinct: keys.size };
  });
}
