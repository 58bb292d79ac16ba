// A training run's directory and what every stage shares: the model, the metrics log, progress
// bars, the held-out content keys, the interrupt flag, the resume point, and the stage's clock.
//
//   runs/NAME/config.json     the resolved configuration
//   runs/NAME/metrics.jsonl   one JSON line per step of every stage (and per evaluation)
//   runs/NAME/<stage>/        the checkpoint at the end of each stage
//   runs/NAME/resume/         the latest resume point: weights, optimizer state, stage and step
//   runs/NAME/samples/        sample generations; runs/NAME/replays/ evaluation episodes
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { saveModel, type NamedTensor, type TinyLMM } from '../agent/model/index.js';
import { appendFileNamed, writeFileAtomic } from '../envs/node/atomic-file.js';
import type { GraphTrainer } from './trainer/graph-trainer.js';
import { progress, type Progress } from '../envs/node/progress.js';

export type StageName = 'sft' | 'ei' | 'fre' | 'mgt';

/** The order stages run in: `ei` (expert iteration) goes between the base and the RL stages. */
export const STAGE_ORDER: readonly StageName[] = ['sft', 'ei', 'fre', 'mgt'];

/**
 * How a resume point names its stage (`resume_stage` in the checkpoint's metrics). Stored numbers:
 * a stage added later takes the next one and the others keep theirs, so that resume points saved
 * before it (assets/base-run/resume: 0, sft) still read right.
 */
export const RESUME_STAGE_CODES: readonly StageName[] = ['sft', 'fre', 'mgt', 'ei'];

export interface ResumePoint {
  stage: StageName;
  /** Steps of that stage already done. */
  step: number;
  /** Wall-clock seconds that stage has run (what a minutes budget continues from). */
  spentS?: number;
}

/** Where a stage starts: step 0, or a resume point's step with its time spent and optimizer state. */
export interface StageStart {
  step: number;
  spentS?: number;
  state?: ReadonlyMap<string, NamedTensor>;
}

export class Run {
  /** Set by SIGINT: stages stop after the step in flight, save a resume point and return. */
  interrupted = false;

  constructor(
    readonly dir: string,
    readonly model: TinyLMM,
    /** Content keys of every evaluation item: no training item may have one. */
    readonly heldOut: ReadonlySet<string>,
    readonly quiet = false,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  log(record: Record<string, unknown>): void {
    appendFileNamed(this.path('metrics.jsonl'), `${JSON.stringify(record)}\n`);
  }

  /** Sample generations of a stage, one JSON line per logged step, in samples/<stage>.jsonl. */
  logSamples(stage: StageName, record: Record<string, unknown>): void {
    mkdirSync(this.path('samples'), { recursive: true });
    appendFileNamed(this.path('samples', `${stage}.jsonl`), `${JSON.stringify(record)}\n`);
  }

  writeJson(name: string, value: unknown): void {
    writeFileAtomic(this.path(name), `${JSON.stringify(value, null, 2)}\n`);
  }

  /**
   * Drops what a killed process logged past the resume point `at`, before a resumed run logs it
   * again: lines of `at`'s stage from its step on (its curve points after it), lines of later
   * stages, and a line torn by the kill. Evaluations between stages (`kind`) stay: their eval-*.json
   * files decide whether they run again. A SIGINT stops at its resume point: nothing to drop then.
   */
  rewindLogs(at: ResumePoint): void {
    const order = STAGE_ORDER;
    const keep = (r: Record<string, unknown> | null): boolean => {
      if (r === null) return false;
      if (r.kind !== undefined || !order.includes(r.stage as StageName)) return true;
      const later = order.indexOf(r.stage as StageName) - order.indexOf(at.stage);
      if (later !== 0) return later < 0;
      if (typeof r.step !== 'number') return true;
      // A curve point's step counts the steps done; a step's line names the step (from 0).
      return r.eval !== undefined ? r.step <= at.step : r.step < at.step;
    };
    // samples/<stage>.jsonl holds one stage's lines, which do not name it.
    const files: [string, StageName | null][] = [[this.path('metrics.jsonl'), null], ...order.map((st): [string, StageName] => [this.path('samples', `${st}.jsonl`), st])];
    for (const [file, stage] of files) {
      if (!existsSync(file)) continue;
      const text = readFileSync(file, 'utf8');
      const kept = text.split('\n').filter((l) => {
        if (l.trim() === '') return false;
        const r = parseRecord(l);
        return keep(r && stage ? { ...r, stage } : r);
      });
      const out = kept.map((l) => `${l}\n`).join('');
      if (out !== text) writeFileAtomic(file, out);
    }
  }

  /** The resume point: weights, the optimizer's state and where the run stands (atomic). */
  saveResume(at: ResumePoint, trainer: GraphTrainer | null): void {
    this.model.metrics = { ...this.model.metrics, resume_stage: RESUME_STAGE_CODES.indexOf(at.stage), resume_step: at.step, resume_spent_s: at.spentS ?? 0 };
    saveModel(this.model, this.path('resume'), trainer ? { state: trainer.stateTensors() } : {});
  }

  /** Progress with live fields (reward, accuracy): a bar on a terminal, lines in a log (progress.ts). */
  bar(label: string, total: number, o: { unit?: string; start?: number; per?: string | null } = {}): Progress {
    return progress(label, total, { ...o, quiet: this.quiet });
  }

  /** A line for the person watching (the bar's line is kept clean). */
  say(line: string): void {
    if (!this.quiet) console.log(line);
  }
}

function parseRecord(line: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(line) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

// A stage's budget: a number of steps, or minutes of wall-clock with the steps as a cap. The
// schedule follows the budget's progress (the larger of the steps done and the time spent, as
// fractions), so a minutes budget decays its learning rate to the floor exactly when time runs out,
// instead of guessing a total number of steps up front. A steps budget is deterministic; a minutes
// budget is not (how many steps fit depends on the machine), which the CLI's --help says.

export interface Budget {
  /** Steps, or with `minutes` the most steps the stage may take. */
  steps: number;
  /** Wall-clock minutes of the stage (null: steps only). */
  minutes: number | null;
}

export class StageClock {
  private start: number;

  constructor(
    private readonly budget: Budget,
    /** Milliseconds this stage already ran before a resume. */
    private readonly spentBefore = 0,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.start = now();
  }

  /** Milliseconds of this stage so far, across resumes. */
  spentMs(): number {
    return this.spentBefore + this.now() - this.start;
  }

  /** Leaves `ms` just spent out of the stage's time (an evaluation between steps is not training). */
  exclude(ms: number): void {
    this.start += ms;
  }

  /** The share of the budget used after `step` steps, in [0, 1]. */
  progress(step: number): number {
    const bySteps = this.budget.steps > 0 ? step / this.budget.steps : 1;
    const byTime = this.budget.minutes === null ? 0 : this.spentMs() / (this.budget.minutes * 60_000);
    return Math.min(1, Math.max(bySteps, byTime));
  }

  done(step: number): boolean {
    return this.progress(step) >= 1;
  }

  /** What the progress bar counts: steps, or seconds for a minutes budget. */
  bar(step: number): { value: number; total: number; unit: string } {
    if (this.budget.minutes === null) return { value: step, total: this.budget.steps, unit: '' };
    const total = Math.round(this.budget.minutes * 60);
    return { value: Math.min(total, Math.round(this.progress(step) * total)), total, unit: ' s' };
  }
}
