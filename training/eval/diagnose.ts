// What holds a model back on Sokoban: reading the board or planning from it. Every trace the base
// learns first writes the positions it read (`<think>@ 2,3 $ 3,3 . 4,3</think>`), a frame's trace
// may write the whole board before them (`-read`), then the plan. So on held-out boards we can ask three things of the greedy answer: did it read the board
// right, does it solve the board when it read it right, and does it solve it when the true
// positions are written for it (the plan alone, perception taken out).
import type { TinyLMM } from '../../agent/model/index.js';
import { parseStrictFormat } from '../../envs/rewards/index.js';
import type { PromptItem } from '../tasks/types.js';
import { answers, evalItems, withTaskBudget, type EvalTask } from './evaluate.js';
import { bootstrapCI, type Interval } from './stats.js';

export interface SokobanDiagnosis {
  task: string;
  items: number;
  /** Greedy pass@1. */
  success: Interval;
  /** Share of greedy answers whose <think> holds exactly the board's positions. */
  readOk: Interval;
  /** pass@1 among the boards read right, and among those read wrong (null: no such board). */
  successIfRead: { n: number; rate: Interval } | null;
  successIfMisread: { n: number; rate: Interval } | null;
  /** pass@1 when the true positions are given as the <think> and the model writes the plan. */
  successGivenPositions: Interval;
}

/** A task whose answers are Sokoban plans from the board's text or its frame. */
export const isSokobanPlanTask = (task: string): boolean => /^sokoban-(text|image)-/.test(task);

/** The positions a Sokoban item's solver trace reads off its board. */
export function truePositions(item: PromptItem): string {
  const think = parseStrictFormat(item.trace)?.think;
  if (think === undefined) throw new Error(`${item.task}: its trace has no <think> to read the positions from`);
  return think.trim();
}

/**
 * The frame item whose trace writes the board before the positions (`-read`) of a frame task's
 * item, for the same level; null for text tasks and for tasks that already read first.
 */
export function readFirstTwin(task: string): string | null {
  const m = /^(sokoban-image-\d+x\d+-\d+)(-pushes)?$/.exec(task);
  return m ? `${m[1]}-read${m[2] ?? ''}` : null;
}

/**
 * Whether a response's <think> reads the board exactly: its positions line, or for a frame (with
 * the item's read-first `twin`) the board written out and then the positions, as `-read` traces do.
 * A response out of format reads nothing.
 */
export function readsBoard(item: PromptItem, response: string, twin?: PromptItem): boolean {
  const think = parseStrictFormat(response)?.think.trim();
  return think !== undefined && (think === truePositions(item) || (!!twin && think === truePositions(twin)));
}

const rate = (xs: number[], seed: string) => (xs.length ? { n: xs.length, rate: bootstrapCI(xs, { seed }) } : null);

/** The diagnosis from the answers: greedy ones, and ones written after the true positions. */
export function diagnose(task: string, items: readonly PromptItem[], greedy: readonly string[], givenPositions: readonly string[], twins?: readonly PromptItem[]): SokobanDiagnosis {
  if (greedy.length !== items.length || givenPositions.length !== items.length) throw new Error(`${task}: ${items.length} items but ${greedy.length} and ${givenPositions.length} answers`);
  const solved = items.map((it, i) => (it.reward(greedy[i]).success ? 1 : 0));
  const read = items.map((it, i) => (readsBoard(it, greedy[i], twins?.[i]) ? 1 : 0));
  return {
    task,
    items: items.length,
    success: bootstrapCI(solved, { seed: `${task}/success` }),
    readOk: bootstrapCI(read, { seed: `${task}/read` }),
    successIfRead: rate(solved.filter((_, i) => read[i] === 1), `${task}/if-read`),
    successIfMisread: rate(solved.filter((_, i) => read[i] === 0), `${task}/if-misread`),
    successGivenPositions: bootstrapCI(items.map((it, i) => (it.reward(givenPositions[i]).success ? 1 : 0)), { seed: `${task}/given` }),
  };
}

export async function diagnoseSokoban(model: TinyLMM, task: EvalTask, o: { batchSize: number; maxNewTokens: number }): Promise<SokobanDiagnosis> {
  if (!isSokobanPlanTask(task.task)) throw new Error(`${task.task}: the diagnosis reads Sokoban plans from text or frames (sokoban-text-*, sokoban-image-*)`);
  const items = evalItems(task);
  const twinTask = readFirstTwin(task.task);
  const twins = twinTask ? evalItems({ ...task, task: twinTask }) : undefined;
  const budget = withTaskBudget(task, o);
  const greedy = await answers(model, items, budget, true, 'diagnose/greedy');
  // The true reading in the form the model reads in: the board and the positions where its own
  // greedy <think> writes more than one line, the positions alone otherwise.
  const writesBoard = greedy.map((g) => (parseStrictFormat(g)?.think.trim() ?? '').includes('\n'));
  const givenThink = new Map(items.map((it, i) => [it, twins && writesBoard[i] ? truePositions(twins[i]) : truePositions(it)]));
  const given = await answers(model, items, budget, true, 'diagnose/given', (it) => `<think>${givenThink.get(it)}</think>`);
  return diagnose(task.task, items, greedy, given, twins);
}

const pct = (c: Interval) => `${(100 * c.mean).toFixed(1)} [${(100 * c.low).toFixed(1)}, ${(100 * c.high).toFixed(1)}]`;
const part = (x: SokobanDiagnosis['successIfRead']) => (x ? `${pct(x.rate)} (${x.n})` : '-');

export function diagnosisTable(rows: readonly { checkpoint: string; d: SokobanDiagnosis }[]): string {
  const L = [
    '| checkpoint | task | pass@1 % | board read right % | pass@1 when read right (boards) | pass@1 when misread (boards) | pass@1 given the true positions % |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const { checkpoint, d } of rows) {
    L.push(`| ${checkpoint} | ${d.task} | ${pct(d.success)} | ${pct(d.readOk)} | ${part(d.successIfRead)} | ${part(d.successIfMisread)} | ${pct(d.successGivenPositions)} |`);
  }
  return L.join('\n');
}
