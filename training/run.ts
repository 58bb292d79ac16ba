// A training run's directory and what every stage shares: the model, the metrics log, progress
// bars, the held-out content keys, the interrupt flag, and saving the resume point.
//
//   runs/NAME/config.json     the resolved configuration
//   runs/NAME/metrics.jsonl   one JSON line per step of every stage (and per evaluation)
//   runs/NAME/<stage>/        the checkpoint at the end of each stage
//   runs/NAME/resume/         the latest resume point: weights, optimizer state, stage and step
//   runs/NAME/samples/        sample generations; runs/NAME/replays/ evaluation episodes
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { saveModel, type TinyLMM } from '../agent/index.js';
import { writeFileAtomic } from '../envs/node/atomic-file.js';
import type { GraphTrainer } from './tinylmm/graph-trainer.js';
import { progress, type Progress } from './progress.js';

export type StageName = 'sft' | 'fre' | 'mgt';

export interface ResumePoint {
  stage: StageName;
  /** Steps of that stage already done. */
  step: number;
  /** Wall-clock seconds that stage has run (what a minutes budget continues from). */
  spentS?: number;
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
    appendFileSync(this.path('metrics.jsonl'), `${JSON.stringify(record)}\n`);
  }

  /** Sample generations of a stage, one JSON line per logged step, in samples/<stage>.jsonl. */
  logSamples(stage: StageName, record: Record<string, unknown>): void {
    mkdirSync(this.path('samples'), { recursive: true });
    appendFileSync(this.path('samples', `${stage}.jsonl`), `${JSON.stringify(record)}\n`);
  }

  writeJson(name: string, value: unknown): void {
    writeFileAtomic(this.path(name), `${JSON.stringify(value, null, 2)}\n`);
  }

  /** The resume point: weights, the optimizer's state and where the run stands (atomic). */
  saveResume(at: ResumePoint, trainer: GraphTrainer | null): void {
    this.model.metrics = { ...this.model.metrics, resume_stage: ['sft', 'fre', 'mgt'].indexOf(at.stage), resume_step: at.step, resume_spent_s: at.spentS ?? 0 };
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

/** Pairs the items of a source with held-out exclusion: slot `s` always gives the same item. */
export function trainingItem<T extends { key: string }>(make: (seed: number, index: number) => T, seed: number, slot: number, heldOut: ReadonlySet<string>): T {
  for (let attempt = 0; attempt < 64; attempt++) {
    // A held-out level is replaced by the same slot of another stream: still a pure function of the slot.
    const it = make(seed + attempt * 1_000_003, slot);
    if (!heldOut.has(it.key)) return it;
  }
  throw new Error(`64 draws in a row for training slot ${slot} were held-out items: the task has too few distinct items for its held-out set`);
}
