// The arms of LMM-R1's Table 3 as flag sets over one warm start per seed, plus the control the
// paper lacks: Direct-RL given the whole fre + mgt budget, so that a gain of FRE -> MGT over
// Direct-RL cannot be just more RL steps.
import type { TrainConfig } from '../config.js';
import type { StageName } from '../run.js';

export type ArmName = 'sft' | 'fre' | 'direct' | 'fre-mgt' | 'direct-long';

export interface Arm {
  name: ArmName;
  /** How the paper (or this suite, for the control) names the arm. */
  label: string;
  /** The arm whose final checkpoint this one starts from (null: a fresh model). */
  from: ArmName | null;
  stages: StageName[];
  /** The paper's Qwen2.5-VL-3B row (Sokoban-Global, Football-Online), where it has one. */
  paper: { sokoban: number; football: number } | null;
}

// REFERENCE.md, LMM-R1 Table 3 (MageBench agent scores).
export const ARMS: readonly Arm[] = [
  { name: 'sft', label: 'warm start (the instruct model)', from: null, stages: ['sft'], paper: { sokoban: 42.35, football: 15.36 } },
  { name: 'fre', label: 'FRE (text RL)', from: 'sft', stages: ['fre'], paper: { sokoban: 44.81, football: 18.46 } },
  { name: 'direct', label: 'Direct-RL (frames RL)', from: 'sft', stages: ['mgt'], paper: { sokoban: 46.89, football: 16.32 } },
  { name: 'fre-mgt', label: 'FRE -> MGT', from: 'fre', stages: ['mgt'], paper: { sokoban: 47.91, football: 18.99 } },
  { name: 'direct-long', label: 'Direct-RL, fre + mgt budget (control)', from: 'sft', stages: ['mgt'], paper: null },
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
  return c;
}

/** Where an arm's run leaves the checkpoint that arms after it start from. */
export function armCheckpoint(armDir: string, arm: Arm): string {
  return `${armDir}/${arm.stages[arm.stages.length - 1]}`;
}
