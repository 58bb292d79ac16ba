// Stage 2, FRE (Foundational Reasoning Enhancement): rule-based RL on text only: the warm start's
// own tasks, where it succeeds sometimes (RL learns only from groups whose samples disagree), and
// a harder one it never saw (7x7 boards). Rewards: format + accuracy, the Sokoban verifier for
// text Sokoban.
import type { ResumePoint, Run } from '../run.js';
import { runRlStage, type RlStageConfig, type StepLog } from '../rl/loop.js';
import type { NamedTensor } from '../../agent/model/safetensors.js';
import { itemSource } from '../tasks/puzzles.js';

export const DEFAULT_FRE_TASKS: readonly string[] = ['sokoban-text-6x6-1', 'countdown-d1', 'sokoban-text-6x6-1', 'sokoban-text-7x7-1'];

export function runFre(run: Run, cfg: RlStageConfig, resume?: { step: number; spentS?: number; state?: ReadonlyMap<string, NamedTensor> }, onStep?: (l: StepLog) => void): Promise<ResumePoint> {
  const sources = cfg.tasks.map(itemSource);
  const visual = sources.filter((s) => s.vision).map((s) => s.task);
  if (visual.length > 0) throw new Error(`FRE trains on text only, but its tasks include frames: ${visual.join(', ')}`);
  return runRlStage(run, { ...cfg, stage: 'fre' }, sources, resume, onStep);
}
