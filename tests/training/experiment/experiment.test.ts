// The LMM-R1 experiment end to end on a minute-sized budget, one seed: each arm in its own test
// (the experiment is resumable, so every test reads back the arms before it), then the shape of
// what it writes: arm runs built on the right checkpoints, the control's budget, RESULTS.md's
// sections and rows, and the HTML page.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig, mergeConfig, WARM_START, type TrainConfig } from '../../../training/config.js';
import { ARMS, type ArmName } from '../../../training/experiment/arms.js';
import { resultsHtml, resultsMarkdown } from '../../../training/experiment/results.js';
import { QUICK_BUDGET, runExperiment, type ArmOutcome } from '../../../training/experiment/runner.js';
import { summarize } from '../../../training/experiment/summary.js';
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
          const evaluated = outcomes.find((o) => o.arm === arm)!.results.find((r) => r.task === t)!.passAtK!;
          expect(pk!.perSeed).toEqual([evaluated.value.mean]);
        }
      }
    }
    expect(s.differences.filter((d) => d.a === 'fre-mgt' && d.b === 'direct').map((d) => d.task)).toEqual(s.tasks);
    const ctx = { out, html: 'RESULTS.html', command: 'npm run experiment:lmm-r1 -- --quick --seeds 1', preset: 'tiny', threads: 2, budget: 'quick', date: '2026-12-01' };
    const md = resultsMarkdown(s, ctx);
    for (const h of ['## Table 3 layout', '## Greedy pass@1 per task', '## pass@k per task (%, k = 2', '## Per-seed pass@1', '## Paired differences', '## The accuracy ladder']) expect(md).toContain(h);
    for (const a of ARMS) expect(md).toContain(`| ${a.label} |`);
    expect(md).toContain('| 42.35 | 15.36 |'); // the paper's base row beside ours
    expect(md).toContain(ctx.command);
    const html = resultsHtml(s, ctx, md);
    expect(html).toContain('new Chart(');
    expect(html.match(/<canvas/g)?.length).toBeGreaterThanOrEqual(s.tasks.length);
    expect(html).not.toMatch(/<script src=/); // opens offline
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
