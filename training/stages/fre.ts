// Stage 2, FRE (Foundational Reasoning Enhancement): rule-based RL on text only: the warm start's
// own tasks, where it succeeds sometimes (RL learns only from groups whose samples disagree), and
// a harder one it never saw (7x7 boards). Rewards: format + accuracy, the Sokoban verifier for
// text Sokoban.
import type { ResumePoint, Run, StageStart } from '../run.js';
import { runRlStage, type RlStageConfig, type StepLog } from '../rl/loop.js';
import { task } from '../tasks/index.js';

export const DEFAULT_FRE_TASKS: readonly string[] = ['sokoban-text-6x6-1', 'countdown-d1', 'sokoban-text-6x6-1', 'sokoban-text-7x7-1'];

export function runFre(run: Run, cfg: RlStageConfig, start?: StageStart, onStep?: (l: StepLog) => void): Promise<ResumePoint> {
  const tasks = cfg.tasks.map(task);
  const visual = tasks.filter((t) => t.vision).map((t) => t.name);
  if (visual.length > 0) throw new Error(`FRE trains on text only, but its tasks include frames: ${visual.join(', ')}`);
  return runRlStage(run, { ...cfg, stage: 'fre' }, tasks, start, onStep);
}
