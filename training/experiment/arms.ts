// The arms of LMM-R1's Table 3 as flag sets over one warm start per seed, plus the control the
// paper lacks: Direct-RL given the whole fre + mgt budget, so that a gain of FRE -> MGT over
// Direct-RL cannot be just more RL steps. Then a question the paper leaves open: its FRE data is
// math, not the game, so does reasoning RL on other domains carry over to the game? FRE on the text
// puzzles alone (no Sokoban), then MGT from it, with the budgets of FRE and FRE -> MGT.
import type { TrainConfig } from '../config.js';
import type { StageName } from '../run.js';

export type ArmName = 'sft' | 'fre' | 'direct' | 'fre-mgt' | 'direct-long' | 'fre-puzzles' | 'fre-puzzles-mgt';

export interface Arm {
  name: ArmName;
  /** How the paper (or this suite, for the control and the open question) names the arm. */
  label: string;
  /** The arm whose final checkpoint this one starts from (null: a fresh model). */
  from: ArmName | null;
  stages: StageName[];
  /** The paper's Qwen2.5-VL-3B row (Sokoban-Global, Football-Online), where it has one. */
  paper: { sokoban: number; football: number } | null;
  /** Which study the arm belongs to: Table 3 (the paper's rows and the compute control) or the puzzles-only FRE question. */
  study: 'table3' | 'puzzle-fre';
}

/**
 * The FRE tasks of the puzzles-only arm: every text puzzle family the task registry has (knights
 * and the other families of envs/puzzles have no compact prompt a `tiny` context takes, and the warm
 * start never saw them), at the difficulty the warm start's mix trains and the evaluation suite
 * measures. countdown-d1 is the puzzle of the FRE default; arithmetic-d2 is the math closest to
 * LMM-R1's math-only FRE data.
 */
export const FRE_PUZZLE_TASKS: readonly string[] = ['countdown-d1', 'arithmetic-d2'];

// REFERENCE.md, LMM-R1 Table 3 (MageBench agent scores).
export const ARMS: readonly Arm[] = [
  { name: 'sft', label: 'warm start (the instruct model)', from: null, stages: ['sft'], paper: { sokoban: 42.35, football: 15.36 }, study: 'table3' },
  { name: 'fre', label: 'FRE (text RL)', from: 'sft', stages: ['fre'], paper: { sokoban: 44.81, football: 18.46 }, study: 'table3' },
  { name: 'direct', label: 'Direct-RL (frames RL)', from: 'sft', stages: ['mgt'], paper: { sokoban: 46.89, football: 16.32 }, study: 'table3' },
  { name: 'fre-mgt', label: 'FRE -> MGT', from: 'fre', stages: ['mgt'], paper: { sokoban: 47.91, football: 18.99 }, study: 'table3' },
  { name: 'direct-long', label: 'Direct-RL, fre + mgt budget (control)', from: 'sft', stages: ['mgt'], paper: null, study: 'table3' },
  { name: 'fre-puzzles', label: 'FRE on puzzles only, no Sokoban (open question)', from: 'sft', stages: ['fre'], paper: null, study: 'puzzle-fre' },
  { name: 'fre-puzzles-mgt', label: 'FRE on puzzles only -> MGT (open question)', from: 'fre-puzzles', stages: ['mgt'], paper: null, study: 'puzzle-fre' },
];

/** The config of one arm: the base config with the arm's stages, its starting checkpoint and budget. */
export function armConfig(base: TrainConfig, arm: Arm, init: string | null): TrainConfig {
  const c: TrainConfig = { ...base, stages: [...arm.stages], init };
  if (arm.name === 'direct-long') {
    c.mgt = {
      ...base.mgt,
      steps: base.fre.steps + base.mgt.steps,
      minutes: base.fre.minutes !== null && base.mgt.minutes !== null ? base.fre.minutes + base.mgt.minutes : base.mgt.minutes,
    };
  }
  // FRE's budget and settings, its tasks swapped: the one difference from the fre arm.
  if (arm.name === 'fre-puzzles') c.fre = { ...base.fre, tasks: [...FRE_PUZZLE_TASKS] };
  return c;
}

/** Where an arm's run leaves the checkpoint that arms after it start from. */
export function armCheckpoint(armDir: string, arm: Arm): string {
  return `${armDir}/${arm.stages[arm.stages.length - 1]}`;
}
