// The LMM-R1 experiment end to end on a minute-sized budget, one seed: each arm in its own test
// (the experiment is resumable, so every test reads back the arms before it), then the shape of
// what it writes: arm runs built on the right checkpoints, the control's budget, the puzzles-only
// FRE's tasks, pass@k's items and CIs (and results stored before those items were kept),
// RESULTS.md's sections and rows, and the HTML page.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig, mergeConfig, WARM_START, type TrainConfig } from '../../../training/config.js';
import { ARMS, FRE_PUZZLE_TASKS, type ArmName } from '../../../training/experiment/arms.js';
import { resultsHtml, resultsMarkdown } from '../../../training/experiment/results.js';
import { QUICK_BUDGET, runExperiment, type ArmOutcome } from '../../../training/experiment/runner.js';
import { COMPARISONS, summarize } from '../../../training/experiment/summary.js';
import { DEFAULT_EVAL } from '../../../training/eval/evaluate.js';
import { mean } from '../../../training/eval/stats.js';
import { task as taskNamed } from '../../../training/tasks/index.js';
import { trainAgent } from '../../../training/train.js';

const out = mkdtempSync(join(tmpdir(), 'lmm-r1-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const base = mergeConfig(defaultConfig(), QUICK_BUDGET);
const seen: string[] = [];
let outcomes: ArmOutcome[] = [];

async function upTo(arm: ArmName): Promise<void> {
  const names = ARMS.map((a) => a.name);
  const r = await runExperiment({ out, seeds: 1, base, quiet: true, arms: names.slice(0, names.indexOf(arm) + 1), onArm: (s, a, cached) => seen.push(`${a.name}:${cached ? 'cached' : 'ran'}`) });
  expect(r.interrupted).toBe(false);
  outcomes = r.outcomes;
}

const config = (arm: ArmName) => JSON.parse(readFileSync(join(out, 'seed-0', arm, 'config.json'), 'utf8')) as TrainConfig;

describe('experiment:lmm-r1 on a minute-sized budget', () => {
  it('an arm that builds on one not yet run is refused, naming it', async () => {
    await expect(runExperiment({ out, seeds: 1, base, quiet: true, arms: ['fre'] })).rejects.toThrow(/arm sft, which has not run: run arm sft first/);
  });

  for (const arm of ARMS.map((a) => a.name)) {
    it(`runs the ${arm} arm, reading back the arms before it`, async () => {
      seen.length = 0;
      await upTo(arm);
      expect(seen[seen.length - 1]).toBe(`${arm}:ran`);
      expect(seen.slice(0, -1).every((s) => s.endsWith(':cached'))).toBe(true);
      expect(existsSync(join(out, 'seed-0', arm, 'arm.json'))).toBe(true);
    }, 60_000);
  }

  it('builds each arm on the right checkpoint with the right budget', () => {
    expect(config('sft').stages).toEqual(['sft']);
    expect(config('sft').init).toBeNull();
    expect(config('fre').init).toBe(join(out, 'seed-0', 'sft', 'sft'));
    expect(config('direct').init).toBe(join(out, 'seed-0', 'sft', 'sft'));
    expect(config('fre-mgt').init).toBe(join(out, 'seed-0', 'fre', 'fre'));
    expect(config('fre-mgt').stages).toEqual(['mgt']);
    expect(config('direct').mgt.steps).toBe(base.mgt.steps);
    expect(config('direct-long').mgt.steps).toBe(base.fre.steps + base.mgt.steps);
    // The puzzles-only FRE: fre's budget and settings, only its tasks differ; MGT from it as fre-mgt from fre.
    expect(config('fre-puzzles').init).toBe(join(out, 'seed-0', 'sft', 'sft'));
    expect(config('fre-puzzles').stages).toEqual(['fre']);
    expect(config('fre-puzzles').fre).toEqual({ ...config('fre').fre, tasks: [...FRE_PUZZLE_TASKS] });
    expect(config('fre-puzzles-mgt').init).toBe(join(out, 'seed-0', 'fre-puzzles', 'fre'));
    expect(config('fre-puzzles-mgt').stages).toEqual(['mgt']);
    expect(config('fre-puzzles-mgt').mgt).toEqual(config('fre-mgt').mgt);
  });

  it('the puzzles-only FRE trains on text puzzles alone, each measured by the default suite', () => {
    expect(FRE_PUZZLE_TASKS.length).toBeGreaterThan(0);
    for (const name of FRE_PUZZLE_TASKS) {
      expect(name).not.toMatch(/sokoban|football/);
      expect(taskNamed(name).vision).toBe(false);
      expect(DEFAULT_EVAL.map((t) => t.task)).toContain(name);
    }
    expect(defaultConfig().fre.tasks.filter((t) => FRE_PUZZLE_TASKS.includes(t)).length).toBeGreaterThan(0);
  });

  it('a given warm start is evaluated as the sft arm, not trained, and the next arm starts from it', async () => {
    const other = mkdtempSync(join(tmpdir(), 'lmm-r1-warm-'));
    try {
      const r = await runExperiment({ out: other, seeds: 1, base, quiet: true, arms: ['sft', 'fre'], warmStarts: { 0: WARM_START } });
      expect(r.outcomes.map((x) => x.arm)).toEqual(['sft', 'fre']);
      expect(r.outcomes[0].checkpoint).toBe(WARM_START);
      expect(existsSync(join(other, 'seed-0', 'sft', 'metrics.jsonl'))).toBe(false);
      expect((JSON.parse(readFileSync(join(other, 'seed-0', 'fre', 'config.json'), 'utf8')) as TrainConfig).init).toBe(WARM_START);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  }, 60_000);

  it('writes RESULTS.md and results.html with every arm, task and comparison', () => {
    const s = summarize(outcomes);
    expect(s.arms).toEqual(ARMS.map((a) => a.name));
    expect(s.tasks).toEqual(base.eval.tasks.map((t) => t.task));
    for (const arm of s.arms) {
      for (const t of s.tasks) {
        const c = s.success[arm]![t];
        expect(c.perSeed).toHaveLength(1);
        expect(c.low).toBeLessThanOrEqual(c.mean);
        expect(c.high).toBeGreaterThanOrEqual(c.mean);
        expect(c.mean).toBeGreaterThanOrEqual(0);
        expect(c.mean).toBeLessThanOrEqual(1);
        const pk = s.passAtK[arm]![t];
        if (t.startsWith('football-')) expect(pk).toBeNull(); // episodes are played greedily only
        else {
          expect(pk?.k).toBe(base.eval.options.k);
          const evaluated = outcomes.find((o) => o.arm === arm)!.results.find((r) => r.task === t)!;
          expect(pk!.perSeed).toEqual([evaluated.passAtK!.value.mean]);
          // The items pass@k averages are kept, so it gets pass@1's two-level CI.
          expect(evaluated.passAtKItems).toHaveLength(evaluated.items);
          expect(mean(evaluated.passAtKItems!)).toBeCloseTo(evaluated.passAtK!.value.mean, 12);
          expect(pk!.ci!.low).toBeLessThanOrEqual(pk!.mean + 1e-12);
          expect(pk!.ci!.high).toBeGreaterThanOrEqual(pk!.mean - 1e-12);
        }
      }
    }
    for (const [a, b] of COMPARISONS) {
      const ds = s.differences.filter((d) => d.a === a && d.b === b);
      expect(ds.map((d) => d.task)).toEqual(s.tasks);
      for (const d of ds) expect(d.passAtK === null).toBe(d.task.startsWith('football-'));
    }
    const ctx = { out, html: 'RESULTS.html', command: 'npm run experiment:lmm-r1 -- --quick --seeds 1', preset: 'tiny', threads: 2, budget: 'quick', date: '2026-12-01' };
    const md = resultsMarkdown(s, ctx);
    for (const h of ['## Table 3 layout', '## Greedy pass@1 per task', '## pass@k per task (%, k = 2', '## Per-seed pass@1', '## Paired differences', '## A question the paper leaves open', '## The accuracy ladder']) expect(md).toContain(h);
    for (const a of ARMS) expect(md).toContain(`| ${a.label} |`);
    // Table 3 keeps the paper's rows (and the control); the open question's arms and comparisons are apart.
    const table3 = md.slice(md.indexOf('## Table 3 layout'), md.indexOf('## Greedy pass@1'));
    const paired = md.slice(md.indexOf('## Paired differences'), md.indexOf('## A question the paper leaves open'));
    const open = md.slice(md.indexOf('## A question the paper leaves open'), md.indexOf('## The accuracy ladder'));
    for (const a of ARMS) {
      expect(table3.includes(`| ${a.label} |`)).toBe(a.study === 'table3');
      if (a.study !== 'table3') expect(paired).not.toContain(a.label);
    }
    expect(open).toContain('| FRE on puzzles only -> MGT (open question) - FRE -> MGT | ');
    expect(open).toContain('| FRE on puzzles only -> MGT (open question) - Direct-RL (frames RL) | ');
    expect(md).not.toContain('CI unavailable');
    expect(md).toContain('| 42.35 | 15.36 |'); // the paper's base row beside ours
    expect(md).toContain(ctx.command);
    const html = resultsHtml(s, ctx, md);
    expect(html).toContain('new Chart(');
    expect(html.match(/<canvas/g)?.length).toBeGreaterThanOrEqual(s.tasks.length);
    expect(html).not.toMatch(/<script src=/); // opens offline
  });

  it('reads back arms stored before pass@k kept its items: pass@k without a CI, said so, pass@1 as before', async () => {
    const old = mkdtempSync(join(tmpdir(), 'lmm-r1-old-'));
    try {
      for (const o of outcomes) {
        const stripped = {
          ...o,
          results: o.results.map((r) => {
            const before = { ...r };
            delete before.passAtKItems;
            return before;
          }),
        };
        mkdirSync(join(old, 'seed-0', o.arm), { recursive: true });
        writeFileSync(join(old, 'seed-0', o.arm, 'arm.json'), `${JSON.stringify(stripped)}\n`);
      }
      // Only the new arms were stored with the items: the old ones mix with them.
      const mixed = await runExperiment({ out: old, seeds: 1, base, quiet: true, arms: ARMS.filter((a) => a.study === 'table3').map((a) => a.name) });
      const s = summarize([...mixed.outcomes, ...outcomes.filter((o) => o.arm.startsWith('fre-puzzles'))]);
      const fresh = summarize(outcomes);
      const t = 'countdown-d1';
      expect(s.passAtK.sft![t]!.ci).toBeNull();
      expect(s.passAtK.sft![t]!.mean).toBe(fresh.passAtK.sft![t]!.mean);
      expect(s.passAtK['fre-puzzles']![t]!.ci).not.toBeNull();
      expect(s.success).toEqual(fresh.success);
      for (const d of s.differences) expect(d.passAtK).toBeNull();
      const md = resultsMarkdown(s, { out: old, html: 'RESULTS.html', command: 'x', preset: 'tiny', threads: 2, budget: 'quick', date: '2026-12-03' });
      expect(md).toContain('[CI unavailable]');
      expect(md).toContain("CI unavailable: that arm's stored results predate the per-item pass@k values");
    } finally {
      rmSync(old, { recursive: true, force: true });
    }
  });

  it('a train:agent run keeps the command that started it, for the ladder to cite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ladder-run-'));
    try {
      const command = "npm run train:agent -- --stages fre --out 'runs/a b'";
      await trainAgent({ ...base, stages: ['fre'], init: WARM_START }, { out: dir, quiet: true, command });
      expect(readFileSync(join(dir, 'command.txt'), 'utf8')).toBe(`${command}\n`);
      expect((JSON.parse(readFileSync(join(dir, 'eval.json'), 'utf8')) as { columns: { name: string }[] }).columns.map((c) => c.name)).toEqual(['before', 'final']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('puts a run outside the arms on the ladder with its command and figures', () => {
    const s = summarize(outcomes);
    const of = (arm: string) => outcomes.find((o) => o.arm === arm)!.results;
    const run = { label: 'A longer warm start', command: "npm run train:agent -- --out 'runs/a b'", columns: [{ name: 'sft', results: of('sft') }, { name: 'final', results: of('fre') }] };
    const diagnosis = 'Produced by `npm run diagnose:sokoban -- --ckpt a=b`\n\n| checkpoint | task |\n|---|---|\n| a | sokoban-text-6x6-1 |\n';
    const md = resultsMarkdown(s, { out, html: 'RESULTS.html', command: 'x', preset: 'tiny', threads: 2, budget: 'quick', date: '2026-12-02', ladderRuns: [run], diagnosis });
    expect(md).toContain(`### Reading the board or planning from it`);
    expect(md).toContain(diagnosis.trim());
    const section = md.slice(md.indexOf('### A longer warm start'));
    expect(section).toContain(`Produced by \`${run.command}\``);
    const pct = (r: { success: { mean: number; low: number; high: number } }) => `${(100 * r.success.mean).toFixed(1)} [${(100 * r.success.low).toFixed(1)}, ${(100 * r.success.high).toFixed(1)}]`;
    const text = (col: number) => run.columns[col].results.find((r) => r.task === 'sokoban-text-6x6-1')!;
    const row = section.split('\n').find((l) => l.startsWith('| text Sokoban 6x6/1 box | >= 80% |'))!;
    expect(row).toContain(`| ${pct(text(0))} | ${pct(text(1))} |`);
    expect(row).toMatch(text(1).success.mean >= 0.8 ? /\| yes \|$/ : /\| no, [\d.]+ points short \|$/);
  });
  it('--reevaluate measures a task again on every finished arm as the suite now says, keeping the rest', async () => {
    const task = base.eval.tasks[0].task;
    const changed = { ...base, eval: { ...base.eval, tasks: base.eval.tasks.map((t) => (t.task === task ? { ...t, count: 2, maxNewTokens: 30 } : t)) } };
    await expect(runExperiment({ out, seeds: 1, base: changed, quiet: true, reevaluate: ['nope'] })).rejects.toThrow(/--reevaluate: nope is not in the evaluation suite/);
    const r = await runExperiment({ out, seeds: 1, base: changed, quiet: true, reevaluate: [task] });
    expect(r.outcomes.map((o) => o.arm)).toEqual(ARMS.map((a) => a.name));
    for (const o of r.outcomes) {
      const before = outcomes.find((x) => x.arm === o.arm)!;
      expect(o.results.find((x) => x.task === task)!.items).toBe(2);
      expect(o.results.filter((x) => x.task !== task)).toEqual(before.results.filter((x) => x.task !== task));
      expect(o.reevaluated?.[task]).toEqual({ task, count: 2, maxNewTokens: 30 });
      expect((JSON.parse(readFileSync(join(out, 'seed-0', o.arm, 'arm.json'), 'utf8')) as ArmOutcome).reevaluated?.[task]?.count).toBe(2);
    }
    // Measured already under that spec: read back as it is.
    const again = await runExperiment({ out, seeds: 1, base: changed, quiet: true, reevaluate: [task] });
    expect(again.outcomes).toEqual(r.outcomes);
  }, 120_000);
});
