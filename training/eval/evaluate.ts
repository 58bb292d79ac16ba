// Held-out evaluation: per task, greedy pass@1 (success and score) and pass@k from k samples at
// temperature 1, each with a percentile bootstrap CI over the items. Evaluation items come from
// their own seed and are disjoint from every training item by content (`heldOutKeys`), not only
// by seed: small boards repeat across seeds.
import { generate, type TinyLMM } from '../../agent/model/index.js';
import { ANSWER_STOP, task as taskNamed, type ItemTask, type PromptItem } from '../tasks/index.js';
import { evalEpisodes, promptText } from './episodes.js';
import type { TaskResult } from './result.js';
import { bootstrapCI, pairedDifferenceCI, mean, passAtK, type Interval } from './stats.js';

/** The seed of every evaluation item; training seeds are small integers far below it. */
export const EVAL_SEED = 900_000_001;

export interface EvalTask {
  task: string;
  count: number;
  /** The answer budget of this task when it needs more than the options' `maxNewTokens`. */
  maxNewTokens?: number;
}

export const DEFAULT_EVAL: readonly EvalTask[] = [
  // 200 boards where the default run's change is measured, so that its paired CI is narrow enough.
  { task: 'sokoban-text-6x6-1', count: 200 },
  { task: 'sokoban-image-6x6-1', count: 200 },
  // One box on the next size up: the floor of the base model's ladder.
  { task: 'sokoban-text-7x7-1', count: 100 },
  // Two-box plans run to 20 moves: the longest optimal answer of these 50 boards is 146 tokens, and
  // 35 of them do not fit the 128 the other tasks get; a frame's answer may write its board first
  // (56 tokens more).
  { task: 'sokoban-text-7x7-2', count: 50, maxNewTokens: 224 },
  { task: 'sokoban-image-7x7-2', count: 50, maxNewTokens: 224 },
  { task: 'countdown-d1', count: 100 },
  { task: 'arithmetic-d2', count: 100 },
  { task: 'football-online-empty-goal', count: 24 },
];

export function evalItems(t: EvalTask): PromptItem[] {
  const src = taskNamed(t.task);
  // Episode tasks have no items: their held-out starts are env seeds from EVAL_SEED up.
  if (src.kind === 'episodes') return [];
  return Array.from({ length: t.count }, (_, i) => src.item(EVAL_SEED, i));
}

/** Content keys of every item of a suite: what training must never see. */
export function heldOutKeys(suite: readonly EvalTask[]): Set<string> {
  return new Set(suite.flatMap((t) => evalItems(t).map((it) => it.key)));
}

export interface EvalOptions {
  /** Samples per item for pass@k (0: greedy only). */
  samples: number;
  k: number;
  maxNewTokens: number;
  batchSize: number;
  seed: number;
  /** Where episode tasks write each evaluation episode's replay (none when absent). */
  replayDir?: string;
  onProgress?: (done: number, total: number) => void;
}

// 128 new tokens: a 7x7 one-box plan's trace runs to 104 tokens, a 6x6 frame's that writes the board
// first to 115.
export const DEFAULT_EVAL_OPTIONS: EvalOptions = { samples: 4, k: 4, maxNewTokens: 128, batchSize: 64, seed: 0 };

/**
 * Answers to items in batches; with `prefix`, each answer continues its prompt after
 * `prefix(item)` and starts with it (the diagnosis writes the true positions that way).
 */
export async function answers(
  model: TinyLMM,
  items: readonly PromptItem[],
  o: Pick<EvalOptions, 'batchSize' | 'maxNewTokens'>,
  greedy: boolean,
  seed: string,
  prefix?: (item: PromptItem) => string,
): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < items.length; i += o.batchSize) {
    const chunk = items.slice(i, i + o.batchSize);
    const p = model.prepare(chunk.map((it) => it.prompt));
    const pre = chunk.map((it) => prefix?.(it) ?? '');
    const inputIds = prefix ? p.inputIds.map((row, j) => [...row, ...model.tokenizer.encode(pre[j])]) : p.inputIds;
    const gens = await generate(model, { inputIds, pixelValues: p.pixelValues, greedy, temperature: 1, maxNewTokens: o.maxNewTokens, stopStrings: ANSWER_STOP, seed: `${seed}/${i}` });
    out.push(...gens.map((g, j) => pre[j] + g.text));
  }
  return out;
}

/** The options with the task's own answer budget, where it has one. */
export function withTaskBudget<O extends { maxNewTokens: number }>(t: EvalTask, o: O): O {
  return t.maxNewTokens ? { ...o, maxNewTokens: t.maxNewTokens } : o;
}

/** A task of the default suite by name (its count and answer budget), or a task of `count` items. */
export function suiteTask(name: string, count?: number): EvalTask {
  const known = DEFAULT_EVAL.find((d) => d.task === name);
  return { task: name, count: count ?? known?.count ?? 100, maxNewTokens: known?.maxNewTokens };
}

export async function evaluate(model: TinyLMM, suite: readonly EvalTask[], opts: Partial<EvalOptions> = {}): Promise<TaskResult[]> {
  const o = { ...DEFAULT_EVAL_OPTIONS, ...opts };
  const results: TaskResult[] = [];
  const total = suite.reduce((a, t) => a + t.count * (1 + o.samples), 0);
  let done = 0;
  for (const t of suite) {
    const task = taskNamed(t.task);
    if (task.kind === 'episodes') {
      results.push(await evalEpisodes(model, task, t.count, EVAL_SEED, { maxNewTokens: o.maxNewTokens, batchSize: o.batchSize, replayDir: o.replayDir }));
      o.onProgress?.((done += t.count * (1 + o.samples)), total);
      continue;
    }
    results.push(
      await evalItemTask(model, task, t, o, (n) => {
        done += n;
        o.onProgress?.(done, total);
      }),
    );
  }
  return results;
}

/** Greedy pass@1 (and pass@k from sampled answers) of an item task's held-out items. */
async function evalItemTask(model: TinyLMM, task: ItemTask, t: EvalTask, o: EvalOptions, advance: (answered: number) => void): Promise<TaskResult> {
  const items = Array.from({ length: t.count }, (_, i) => task.item(EVAL_SEED, i));
  const to = withTaskBudget(t, o);
  const greedy = await answers(model, items, to, true, `eval/${o.seed}/${t.task}/greedy`);
  advance(items.length);
  const rewards = items.map((it, i) => it.reward(greedy[i]));
  let pk: TaskResult['passAtK'] = null;
  let pkItems: number[] = [];
  if (o.samples > 0 && o.k > 0) {
    const repeated = items.flatMap((it) => Array.from({ length: o.samples }, () => it));
    const sampled = await answers(model, repeated, to, false, `eval/${o.seed}/${t.task}/sampled`);
    advance(repeated.length);
    pkItems = items.map((_, i) => {
      const c = sampled.slice(i * o.samples, (i + 1) * o.samples).filter((a, j) => repeated[i * o.samples + j].reward(a).success).length;
      return passAtK(o.samples, c, Math.min(o.k, o.samples));
    });
    pk = { k: Math.min(o.k, o.samples), samples: o.samples, value: bootstrapCI(pkItems, { seed: `${t.task}/pass@k` }) };
  }
  const outcomes = rewards.map((r) => (r.success ? 1 : 0));
  const scores = rewards.map((r) => r.score).filter((s): s is number => s !== undefined);
  return {
    task: t.task,
    items: items.length,
    success: bootstrapCI(outcomes, { seed: `${t.task}/success` }),
    outcomes,
    score: scores.length === rewards.length ? bootstrapCI(scores, { seed: `${t.task}/score` }) : null,
    scores: scores.length === rewards.length ? scores : [],
    reward: mean(rewards.map((r) => r.total)),
    passAtK: pk,
    passAtKItems: pkItems,
    formatOk: mean(rewards.map((r) => (r.format > 0 ? 1 : 0))),
    examples: items.slice(0, 3).map((it, i) => ({ prompt: promptText(it.prompt), answer: greedy[i], success: rewards[i].success })),
  };
}

const pct = (i: Interval) => `${(100 * i.mean).toFixed(1)} [${(100 * i.low).toFixed(1)}, ${(100 * i.high).toFixed(1)}]`;

const signed = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`;

/**
 * The paired change of greedy pass@1 from the first column to the last, in points with its 95%
 * bootstrap CI over the same items; '-' where either side lacks per-item outcomes (older files).
 */
export function pairedChange(first: TaskResult | undefined, last: TaskResult | undefined): string {
  if (!first?.outcomes || !last?.outcomes || first.outcomes.length !== last.outcomes.length) return '-';
  const d = pairedDifferenceCI(first.outcomes, last.outcomes, { seed: `${last.task}/paired` });
  return `${signed(d.mean)} [${signed(d.low)}, ${signed(d.high)}]`;
}

/**
 * A Markdown table of one or more evaluations side by side (e.g. before and after training); with
 * two or more, a last column holds the paired change of pass@1 from the first to the last.
 */
export function evalTable(columns: readonly { name: string; results: readonly TaskResult[] }[]): string {
  const paired = columns.length >= 2;
  const last = columns[columns.length - 1];
  const pairedHead = paired ? ` ${last.name} - ${columns[0].name}: pass@1 points [95% paired CI] |` : '';
  const head = `| task | ${columns.map((c) => `${c.name}: pass@1 % [95% CI] | pass@k % | score`).join(' | ')} |${pairedHead}`;
  const sep = `|---|${columns.map(() => '---|---|---|').join('')}${paired ? '---|' : ''}`;
  const tasks = columns[0]?.results.map((r) => r.task) ?? [];
  const rows = tasks.map((task) => {
    const cells = columns.map((c) => {
      const r = c.results.find((x) => x.task === task);
      if (!r) return '- | - | -';
      const k = r.passAtK ? `${(100 * r.passAtK.value.mean).toFixed(1)} (k=${r.passAtK.k})` : '-';
      return `${pct(r.success)} | ${k} | ${r.score ? r.score.mean.toFixed(1) : '-'}`;
    });
    const change = paired ? ` ${pairedChange(columns[0].results.find((x) => x.task === task), last.results.find((x) => x.task === task))} |` : '';
    return `| ${task} | ${cells.join(' | ')} |${change}`;
  });
  return [head, sep, ...rows].join('\n');
}
