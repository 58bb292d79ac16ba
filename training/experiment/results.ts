// RESULTS.md and results.html of the experiment: Table 3's layout with our rows beside the paper's,
// pass@1 and pass@k per task with CIs and per-seed values, the paired differences, the puzzles-only
// FRE question apart from the paper's rows, the accuracy ladder, the curves per stage (Chart.js,
// inlined so the page opens offline), wall-clock, machine and command.
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { chartJsScript, esc } from '../eval/run-report.js';
import { ARMS, FRE_PUZZLE_TASKS, type ArmName } from './arms.js';
import { armDir } from './runner.js';
import type { Interval } from '../eval/stats.js';
import type { EvalColumn } from '../train.js';
import type { Cell, Difference, Summary } from './summary.js';

/** A train:agent run outside the arms (a longer or bigger one), reported beside them on the ladder. */
export interface LadderRun {
  label: string;
  /** The command that produced it (its command.txt). */
  command: string;
  /** Its evaluations in order (e.g. its warm start, then its final model). */
  columns: EvalColumn[];
}

export interface ResultsContext {
  /** The experiment directory (arm runs, their metrics). */
  out: string;
  /** The HTML page's file name, linked from the Markdown beside it. */
  html: string;
  /** A line about the conditions of the run (what else the machine ran), when there is one. */
  note?: string;
  command: string;
  preset: string;
  threads: number;
  /** The budgets of the arms (steps or minutes per stage), as said in the header. */
  budget: string;
  date: string;
  /** Runs beside the arms for the ladder (`--ladder-run`). */
  ladderRuns?: LadderRun[];
  /** The Markdown that diagnose:sokoban wrote for the ladder's checkpoints (`--diagnosis`). */
  diagnosis?: string;
}

const label = (a: ArmName) => ARMS.find((x) => x.name === a)!.label;
const inTable3 = (a: ArmName) => ARMS.find((x) => x.name === a)!.study === 'table3';
const pts = (c: Interval) => `${(100 * c.mean).toFixed(1)} [${(100 * c.low).toFixed(1)}, ${(100 * c.high).toFixed(1)}]`;
const signedPts = (c: Cell) => {
  const s = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`;
  return `${s(c.mean)} [${s(c.low)}, ${s(c.high)}]`;
};
const num = (c: Cell | null | undefined) => (c ? `${c.mean.toFixed(1)} [${c.low.toFixed(1)}, ${c.high.toFixed(1)}]` : '-');
const signedNum = (c: Cell | null) => (c ? `${c.mean >= 0 ? '+' : ''}${c.mean.toFixed(1)} [${c.low.toFixed(1)}, ${c.high.toFixed(1)}]` : '-');
const excludesZero = (c: Cell) => c.low > 0 || c.high < 0;
const boldIfClear = (c: Cell | null) => (c ? (excludesZero(c) ? `**${signedPts(c)}**` : signedPts(c)) : '-');

/** Paired differences as table rows: pass@1 and pass@k in points, the score, pass@1 per seed. */
function differenceRows(ds: readonly Difference[]): string[] {
  return [
    '| comparison | task | pass@1 points [95% CI] | pass@k points [95% CI] | score [95% CI] | pass@1 per seed (points) |',
    '|---|---|---|---|---|---|',
    ...ds.map((d) => `| ${label(d.a)} - ${label(d.b)} | ${d.task} | ${boldIfClear(d.success)} | ${boldIfClear(d.passAtK)} | ${signedNum(d.score)} | ${d.success.perSeed.map((v) => (100 * v).toFixed(1)).join(', ')} |`),
  ];
}

/** The machine, in one line. */
export function machineLine(threads: number): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'} (${cpu.length} logical cores), ${threads} ORT threads, Node ${process.version}`;
}

/** The ladder's rows: a task, the floor the experiment must reach and the goal it aims at, and how our best arm is read. */
const LADDER: { what: string; task: string; floor: number; goal: string }[] = [
  { what: 'text Sokoban 6x6/1 box', task: 'sokoban-text-6x6-1', floor: 0.8, goal: '>= 90%, optimal-length plans' },
  { what: 'text Sokoban 7x7/2 boxes', task: 'sokoban-text-7x7-2', floor: 0.5, goal: '>= 75%' },
  { what: 'Countdown, 3 numbers', task: 'countdown-d1', floor: 0.8, goal: 'Countdown-4 >= 50%' },
];

/** Verdicts of the ladder's "floor met" column, shared by the arms' table and the ladder runs'. */
const floorMet = (floor: number, mean: number) => (mean >= floor ? 'yes' : `no, ${(100 * (floor - mean)).toFixed(1)} points short`);
const framesMet = (text: number, image: number) =>
  text === 0 ? 'not measured: text is 0%' : text - image <= 0.1 ? 'yes' : `no, ${(100 * (text - image)).toFixed(1)} points below text`;
const aboveBase = (mean: number, base: number) => (mean > base ? 'yes' : 'no');

function best(s: Summary, task: string): { arm: ArmName; cell: Cell } | null {
  let top: { arm: ArmName; cell: Cell } | null = null;
  for (const arm of s.arms) {
    const c = s.success[arm]?.[task];
    if (c && (!top || c.mean > top.cell.mean)) top = { arm, cell: c };
  }
  return top;
}

export function resultsMarkdown(s: Summary, ctx: ResultsContext): string {
  const L: string[] = [];
  L.push(`# LMM-R1's Table 3 on TinyLMM`, '');
  L.push(`Measured ${ctx.date} on ${machineLine(ctx.threads)}. Preset \`${ctx.preset}\`, seeds ${s.seeds.join(', ')}; budget: ${ctx.budget}.`);
  if (ctx.note) L.push(ctx.note);
  const first = ctx.ladderRuns?.length || ctx.diagnosis ? ' The ladder runs and the diagnosis it reads are made by their own commands, given with them below: run it once without `--ladder-run` and `--diagnosis` for the arms\' checkpoints, then those commands, then it again.' : '';
  L.push(`Reproduce with \`${ctx.command}\` (resumable: finished arms are read back).${first}`, '');
  L.push('Every arm is evaluated on the same held-out suite (levels and puzzles disjoint by content from all training items). Intervals are 95% two-level bootstrap CIs: seeds resampled, then items within each seed; with one seed they cover item sampling only.', '');

  const imageTasks = s.tasks.filter((t) => t.startsWith('sokoban-image-'));
  const football = s.tasks.filter((t) => t.startsWith('football-online-'));
  L.push('## Table 3 layout', '');
  L.push("The paper's columns are MageBench scores of Qwen2.5-VL-3B (Sokoban-Global: the whole plan from the first frame; Football-Online); ours are the same scores on TinyLMM: Sokoban from frames in the global protocol (100 = optimal, idling about 41-49) and the Football drill's MageBench score.", '');
  L.push(`| arm | paper: Sokoban-Global | paper: Football-Online | ${[...imageTasks, ...football].map((t) => `ours: ${t} score`).join(' | ')} |`);
  L.push(`|---|---|---|${[...imageTasks, ...football].map(() => '---|').join('')}`);
  for (const arm of s.arms.filter(inTable3)) {
    const p = ARMS.find((a) => a.name === arm)!.paper;
    L.push(`| ${label(arm)} | ${p ? p.sokoban.toFixed(2) : '-'} | ${p ? p.football.toFixed(2) : '-'} | ${[...imageTasks, ...football].map((t) => num(s.score[arm]?.[t])).join(' | ')} |`);
  }
  L.push('');

  L.push('## Greedy pass@1 per task (%, mean over seeds [95% CI])', '');
  L.push(`| arm | ${s.tasks.join(' | ')} |`, `|---|${s.tasks.map(() => '---|').join('')}`);
  for (const arm of s.arms) L.push(`| ${label(arm)} | ${s.tasks.map((t) => pts(s.success[arm]![t])).join(' | ')} |`);
  L.push('');

  const sampled = s.tasks.filter((t) => s.arms.some((a) => s.passAtK[a]?.[t]));
  if (sampled.length) {
    const ks = [...new Set(sampled.flatMap((t) => s.arms.map((a) => s.passAtK[a]?.[t]?.k).filter((k) => k !== undefined)))];
    L.push(`## pass@k per task (%, ${ks.map((k) => `k = ${k}`).join(', ')} samples at temperature 1; mean over seeds [95% CI], per seed in parentheses)`, '');
    L.push(`| arm | ${sampled.join(' | ')} |`, `|---|${sampled.map(() => '---|').join('')}`);
    let noCi = false;
    for (const arm of s.arms) {
      L.push(`| ${label(arm)} | ${sampled.map((t) => {
        const p = s.passAtK[arm]?.[t];
        if (!p) return '-';
        noCi ||= p.ci === null;
        return `${p.ci ? pts(p.ci) : `${(100 * p.mean).toFixed(1)} [CI unavailable]`} (${p.perSeed.map((v) => (100 * v).toFixed(1)).join(', ')})`;
      }).join(' | ')} |`);
    }
    L.push('');
    if (noCi) L.push('CI unavailable: that arm\'s stored results predate the per-item pass@k values (`passAtKItems`), so only its mean is known; `--reevaluate <tasks>` measures them again with the items.', '');
  }

  L.push('## Per-seed pass@1 (%)', '');
  L.push(`| arm | task | ${s.seeds.map((x) => `seed ${x}`).join(' | ')} | minutes per seed |`, `|---|---|${s.seeds.map(() => '---|').join('')}---|`);
  for (const arm of s.arms) {
    for (const t of s.tasks) {
      L.push(`| ${label(arm)} | ${t} | ${s.success[arm]![t].perSeed.map((v) => (100 * v).toFixed(1)).join(' | ')} | ${t === s.tasks[0] ? s.minutes[arm]!.map((m) => m.toFixed(1)).join(', ') : ''} |`);
    }
  }
  L.push('');

  L.push('## Paired differences (the same items under two arms, seed by seed)', '');
  L.push("A difference whose interval excludes 0 is marked **bold**. pass@k's is '-' where the task has none (episodes are played greedily) or an arm's stored results predate its per-item values.", '');
  L.push(...differenceRows(s.differences.filter((d) => inTable3(d.a) && inTable3(d.b))), '');

  const openArms = s.arms.filter((a) => !inTable3(a));
  if (openArms.length) {
    L.push('## A question the paper leaves open: FRE on puzzles only', '');
    L.push(`LMM-R1's FRE data is math, not the game; our FRE default trains on text Sokoban too. These arms run FRE with the same budget and settings on the text puzzles alone (${FRE_PUZZLE_TASKS.join(', ')}; no Sokoban), then MGT from it with the mgt budget: does reasoning RL on other domains carry over to the game? They are not rows of the paper's table.`, '');
    L.push(`| arm | ${[...imageTasks, ...football].map((t) => `${t} score`).join(' | ')} |`, `|---|${[...imageTasks, ...football].map(() => '---|').join('')}`);
    for (const arm of openArms) L.push(`| ${label(arm)} | ${[...imageTasks, ...football].map((t) => num(s.score[arm]?.[t])).join(' | ')} |`);
    L.push('', 'Paired differences against FRE -> MGT (below 0: what text Sokoban in FRE adds) and Direct-RL (above 0: what puzzle RL before MGT adds):', '');
    L.push(...differenceRows(s.differences.filter((d) => !inTable3(d.a) || !inTable3(d.b))), '');
  }

  L.push('## The accuracy ladder', '');
  L.push('Our best arm per task (greedy pass@1, held out) against the floors and goals of the ladder.', '');
  L.push('| task | floor | goal | best arm | pass@1 % [95% CI] | floor met |', '|---|---|---|---|---|---|');
  for (const row of LADDER) {
    const b = best(s, row.task);
    if (!b) continue;
    L.push(`| ${row.what} | >= ${100 * row.floor}% | ${row.goal} | ${label(b.arm)} | ${pts(b.cell)} | ${floorMet(row.floor, b.cell.mean)} |`);
  }
  for (const size of ['6x6-1', '7x7-2']) {
    const text = best(s, `sokoban-text-${size}`);
    const image = best(s, `sokoban-image-${size}`);
    if (!text || !image) continue;
    L.push(`| Sokoban ${size} from frames | within 10 points of text | equal to text | ${label(image.arm)} | ${pts(image.cell)} (text ${(100 * text.cell.mean).toFixed(1)}) | ${framesMet(text.cell.mean, image.cell.mean)} |`);
  }
  for (const t of football) {
    const b = best(s, t);
    const base = s.success.sft?.[t];
    if (!b || !base) continue;
    L.push(`| Football (${t}), goal rate | above the sft base (${(100 * base.mean).toFixed(1)}%) | a goal in >= 70% of episodes | ${label(b.arm)} | ${pts(b.cell)} | ${aboveBase(b.cell.mean, base.mean)} |`);
  }
  const claim = s.differences.filter((d) => d.a === 'fre-mgt' && d.b === 'direct');
  if (claim.length) {
    const sig = claim.filter((d) => excludesZero(d.success));
    L.push(`| FRE -> MGT vs Direct-RL | measured, 3 seeds, CI | a consistent gain, or a clean null | - | ${sig.length} of ${claim.length} tasks with a CI excluding 0 | ${s.seeds.length >= 3 ? 'yes' : `no, ${s.seeds.length} seed(s)`} |`);
  }
  L.push('');
  for (const run of ctx.ladderRuns ?? []) L.push(...ladderRunTable(run, football, s));
  if (ctx.diagnosis) {
    L.push('### Reading the board or planning from it', '');
    L.push("Every Sokoban answer first writes the positions it read (`<think>@ row,col $ boxes . targets</think>`), then the plan: so held-out boards tell apart a model that misreads the board from one that cannot plan from it (the last column writes the true positions for the model).", '');
    L.push(ctx.diagnosis.trim(), '');
  }
  L.push(`Curves per stage and arm: [${ctx.html}](${ctx.html}).`, '');
  return `${L.join('\n')}\n`;
}

/** A ladder run's figures per ladder task and evaluation, with its command: one seed, item CIs. */
function ladderRunTable(run: LadderRun, football: string[], s: Summary): string[] {
  const L: string[] = [`### ${run.label}`, '', `Produced by \`${run.command}\`; one seed, so the intervals cover item sampling only.`, ''];
  const final = run.columns.at(-1);
  const finalMean = (task: string) => final?.results.find((r) => r.task === task)?.success.mean;
  // Each row: what it is, its floor, and its verdict from the final model's pass@1 ('' where it cannot be read).
  const rows: { what: string; task: string; floor: string; met: (mean: number) => string }[] = [
    ...LADDER.map((r) => ({ what: r.what, task: r.task, floor: `>= ${100 * r.floor}%`, met: (m: number) => floorMet(r.floor, m) })),
    ...['6x6-1', '7x7-2'].map((size) => ({ what: `Sokoban ${size} from frames`, task: `sokoban-image-${size}`, floor: 'within 10 points of text', met: (m: number) => {
      const text = finalMean(`sokoban-text-${size}`);
      return text === undefined ? '' : framesMet(text, m);
    } })),
    ...football.map((t) => {
      const base = s.success.sft?.[t];
      return { what: `Football (${t}), goal rate`, task: t, floor: base ? `above the sft base (${(100 * base.mean).toFixed(1)}%)` : 'above the sft base', met: (m: number) => (base ? aboveBase(m, base.mean) : '') };
    }),
  ];
  L.push(`| task | floor | ${run.columns.map((c) => `${c.name}: pass@1 % [95% CI]`).join(' | ')} | floor met (${final?.name}) |`, `|---|---|${run.columns.map(() => '---|').join('')}---|`);
  for (const row of rows) {
    const cells = run.columns.map((c) => c.results.find((r) => r.task === row.task));
    const last = cells.at(-1);
    if (!last) continue;
    L.push(`| ${row.what} | ${row.floor} | ${cells.map((r) => (r ? pts(r.success) : '-')).join(' | ')} | ${row.met(last.success.mean)} |`);
  }
  L.push('');
  return L;
}

type Row = Record<string, unknown>;

/** An arm's RL steps of one stage, per seed: step number, task, and the logged values. */
function stageRows(out: string, seeds: number[], arm: ArmName, stage: 'fre' | 'mgt'): Row[][] {
  return seeds.map((seed) => {
    const f = join(armDir(out, seed, arm), 'metrics.jsonl');
    if (!existsSync(f)) return [];
    return readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Row)
      .filter((r) => r.stage === stage && r.kind === undefined && typeof r.step === 'number');
  });
}

/**
 * Mean reward or success of one task's steps, by step number, averaged over the seeds; null at the
 * steps that trained another task (the stages take their tasks in turn, whose rewards differ in scale).
 */
function curve(perSeed: Row[][], task: string, key: 'reward' | 'success'): (number | null)[] {
  const n = Math.max(0, ...perSeed.flat().map((r) => (r.step as number) + 1));
  return Array.from({ length: n }, (_, step) => {
    const xs = perSeed.flatMap((rows) => rows.filter((r) => r.step === step && r.task === task && typeof r[key] === 'number').map((r) => r[key] as number));
    return xs.length ? xs.reduce((acc, v) => acc + v, 0) / xs.length : null;
  });
}

export function resultsHtml(s: Summary, ctx: ResultsContext, markdown: string): string {
  const charts: { id: string; title: string; type: 'bar' | 'line'; labels: (string | number)[]; datasets: { label: string; data: (number | null)[] }[] }[] = [];
  for (const t of s.tasks) {
    charts.push({ id: `b${charts.length}`, title: `${t}: greedy pass@1 %`, type: 'bar', labels: s.arms.map(label), datasets: [{ label: 'mean over seeds', data: s.arms.map((a) => 100 * s.success[a]![t].mean) }, { label: '95% CI low', data: s.arms.map((a) => 100 * s.success[a]![t].low) }, { label: '95% CI high', data: s.arms.map((a) => 100 * s.success[a]![t].high) }] });
  }
  for (const stage of ['fre', 'mgt'] as const) {
    const rows = s.arms.map((a) => ({ arm: a, perSeed: stageRows(ctx.out, s.seeds, a, stage) }));
    const tasks = [...new Set(rows.flatMap((r) => r.perSeed.flat().map((x) => String(x.task))))];
    for (const task of tasks) {
      for (const key of ['reward', 'success'] as const) {
        const sets = rows.map((r) => ({ label: label(r.arm), data: curve(r.perSeed, task, key) })).filter((d) => d.data.some((v) => v !== null));
        if (sets.length === 0) continue;
        const n = Math.max(...sets.map((d) => d.data.length));
        charts.push({ id: `c${charts.length}`, title: `${stage.toUpperCase()}, ${task}: ${key} per step (mean over seeds)`, type: 'line', labels: Array.from({ length: n }, (_, i) => i), datasets: sets });
      }
    }
  }
  const colours = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2'];
  return `<!doctype html><html><head><meta charset="utf-8"><title>LMM-R1 Table 3 on TinyLMM</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;max-width:1200px}pre{white-space:pre-wrap;background:#f6f6f6;padding:12px}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:16px}.grid div{height:260px}</style>
<script>${chartJsScript()}</script></head><body>
<h1>LMM-R1's Table 3 on TinyLMM</h1><p>${esc(machineLine(ctx.threads))}; preset ${esc(ctx.preset)}; seeds ${s.seeds.join(', ')}; command <code>${esc(ctx.command)}</code></p>
<div class="grid">${charts.map((c) => `<div><canvas id="${c.id}"></canvas></div>`).join('')}</div>
<h2>Tables</h2><pre>${esc(markdown)}</pre>
<script>const charts=${JSON.stringify(charts).replace(/</g, '\\u003c')};const colours=${JSON.stringify(colours)};
for(const c of charts){new Chart(document.getElementById(c.id),{type:c.type,data:{labels:c.labels,datasets:c.datasets.map((d,i)=>({...d,borderColor:colours[i%colours.length],backgroundColor:colours[i%colours.length]+'99',pointRadius:0,spanGaps:true,borderWidth:1.5}))},options:{animation:false,maintainAspectRatio:false,plugins:{title:{display:true,text:c.title}}}});}</script>
</body></html>`;
}
