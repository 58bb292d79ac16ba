// Stage 3, MGT (Multimodal Generalization Training): rule-based RL continued on rendered tasks.
// Sokoban from its frame in the global protocol (the whole plan in one answer, scored by the
// Sokoban verifier), as LMM-R1 trains it, and Football in the online protocol (a few turns from
// frames, format + the env's shaped reward to go), the game LMM-R1 only evaluates.
import type { ResumePoint, Run, StageStart } from '../run.js';
import { runRlStage, type RlStageConfig, type StepLog } from '../rl/loop.js';
import { task } from '../tasks/index.js';

/** Cycled one a step: two Sokoban steps for each Football one. */
export const DEFAULT_MGT_TASKS: readonly string[] = ['sokoban-image-6x6-1', 'football-online-empty-goal', 'sokoban-image-6x6-1'];

export function runMgt(run: Run, cfg: RlStageConfig, start?: StageStart, onStep?: (l: StepLog) => void): Promise<ResumePoint> {
  return runRlStage(run, { ...cfg, stage: 'mgt' }, cfg.tasks.map(task), start, onStep);
}
