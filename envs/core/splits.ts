/**
 * The suite's two disjoint seed ranges, where servers and trainers both reach them: training starts
 * lie below TRAIN_SEED_LIMIT (2^29), held-out evaluation uses seeds from HELD_OUT_SEED up (training's
 * EVAL_SEED; a test keeps the two equal). The ORS façade's `train` and `test` splits are drawn from
 * them: task i of `train` is seed TRAIN_SEED_BASE + i, task i of `test` is HELD_OUT_SEED + i.
 */
export const TRAIN_SEED_LIMIT = 2 ** 29;
export const TRAIN_SEED_BASE = 1;
export const HELD_OUT_SEED = 900_000_001;
/** Tasks listed per split (a listing, not a bound on the seeds a client may ask for by task_spec). */
export const SPLIT_TASKS = 100;

export type SplitName = 'train' | 'test';

export function splitSeed(split: SplitName, index: number): number {
  return (split === 'train' ? TRAIN_SEED_BASE : HELD_OUT_SEED) + index;
}
