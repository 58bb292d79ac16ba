// The warm start's learning curve (--eval-every): held-out greedy pass@1 per item task every n steps
// and at the end, one metrics line each, drawn in report.html; it leaves the training as it was. And
// what a resumed run drops from the logs of a killed one.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createModel } from '../../../agent/model/index.js';
import { heldOutKeys } from '../../../training/eval/evaluate.js';
import { curveCharts } from '../../../training/eval/run-report.js';
import { resolveConfig } from '../../../training/flags.js';
import { Run } from '../../../training/run.js';
import { CURVE_ITEMS, curveTasks, runSft, type SftStageConfig } from '../../../training/stages/sft.js';

const dir = mkdtempSync(join(tmpdir(), 'sft-curve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Line = Record<string, unknown>;
const read = (file: string): Line[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Line);

describe('the learning curve of the warm start', () => {
  it('takes the item tasks of the evaluation, at most 32 items each', () => {
    const tasks = curveTasks([
      { task: 'countdown-d1', count: 100 },
      { task: 'football-online-empty-goal', count: 24 },
      { task: 'sokoban-text-7x7-2', count: 5, maxNewTokens: 160 },
    ]);
    expect(tasks).toEqual([
      { task: 'countdown-d1', count: CURVE_ITEMS },
      { task: 'sokoban-text-7x7-2', count: 5, maxNewTokens: 160 },
    ]);
  });

  it('logs pass@1 per task every n steps and at the end, and leaves the weights as they are without it', async () => {
    const tasks = curveTasks([
      { task: 'countdown-d1', count: 2 },
      { task: 'sokoban-text-6x6-1', count: 2 },
    ]);
    const train = async (evalEvery: number) => {
      const out = join(dir, `every-${evalEvery}`);
      const model = createModel('tiny', { seed: 4, threads: 1 });
      const cfg: SftStageConfig = { mix: { 'sokoban-text-6x6-1': 1, 'countdown-d1': 1 }, steps: 5, minutes: null, batchSize: 2, lr: 3e-3, warmup: 1, seed: 7, saveEvery: 50, evalEvery };
      const done = await runSft(new Run(out, model, heldOutKeys(tasks), true), cfg, { step: 0 }, { tasks, options: { batchSize: 8, maxNewTokens: 8 } });
      const bytes = Buffer.concat([...model.params.values()].map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)));
      await model.dispose();
      return { done, bytes, lines: read(join(out, 'metrics.jsonl')) };
    };
    const on = await train(2);
    const off = await train(0);
    expect(on.done.step).toBe(5);
    expect(on.bytes.equals(off.bytes)).toBe(true);
    const losses = (ls: Line[]) => ls.filter((r) => typeof r.loss === 'number').map((r) => r.loss);
    expect(losses(on.lines)).toEqual(losses(off.lines));
    expect(off.lines.some((r) => r.eval !== undefined)).toBe(false);
    // Points after steps 2 and 4, and at the end (5): each after its step's line.
    const points = on.lines.filter((r) => r.eval !== undefined);
    expect(points.map((r) => r.step)).toEqual([2, 4, 5]);
    for (const p of points) {
      expect(p.stage).toBe('sft');
      expect(Object.keys(p.eval as object)).toEqual(['countdown-d1', 'sokoban-text-6x6-1']);
      for (const v of Object.values(p.eval as Record<string, number>)) expect(v === 0 || v === 0.5 || v === 1).toBe(true);
    }
    expect(on.lines.findIndex((r) => r.eval !== undefined)).toBe(on.lines.findIndex((r) => r.step === 1 && r.loss !== undefined) + 1);
  }, 30_000);

  it('is drawn in report.html as pass@1 % per task against the steps done', () => {
    const charts = curveCharts([
      { stage: 'sft', step: 0, loss: 5 },
      { stage: 'sft', step: 2, eval: { a: 0.25, b: 0 } },
      { stage: 'sft', kind: 'eval', results: [] },
      { stage: 'sft', step: 4, eval: { a: 0.5, b: 0.125 } },
    ]);
    expect(charts).toHaveLength(1);
    expect(charts[0].labels).toEqual([2, 4]);
    expect(charts[0].datasets.map((d) => [d.label, d.data])).toEqual([
      ['a', [25, 50]],
      ['b', [0, 12.5]],
    ]);
  });

  it('is set by --eval-every, the resume points by --save-every, each checked', () => {
    const c = resolveConfig({ out: join(dir, 'none'), stages: 'sft', saveEvery: 3, evalEvery: 7 });
    expect([c.sft.saveEvery, c.sft.evalEvery]).toEqual([3, 7]);
    const d = resolveConfig({ out: join(dir, 'none') });
    expect([d.sft.saveEvery, d.sft.evalEvery]).toEqual([50, 0]);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ sft: { saveEvery: 0 } }));
    expect(() => resolveConfig({ out: join(dir, 'none'), config: bad })).toThrow(/sft\.saveEvery must be a whole number >= 1/);
    writeFileSync(bad, JSON.stringify({ sft: { evalEvery: 1.5 } }));
    expect(() => resolveConfig({ out: join(dir, 'none'), config: bad })).toThrow(/sft\.evalEvery must be a whole number >= 0/);
  });
});

describe('a resumed run rewinds the logs of the process that was killed', () => {
  it('to its resume point: later steps, later stages and a torn line go; evaluations between stages stay', async () => {
    const out = join(dir, 'rewind');
    const model = createModel('tiny', { seed: 1, threads: 1 });
    const run = new Run(out, model, new Set(), true);
    const metrics = [
      { stage: 'before', kind: 'eval', results: [] },
      { stage: 'sft', step: 3, loss: 1 },
      { stage: 'sft', step: 4, eval: { a: 0 } },
      { stage: 'sft', step: 4, loss: 1 },
      { stage: 'sft', step: 6, eval: { a: 0 } },
      { stage: 'sft', step: 6, loss: 1 },
      { stage: 'sft', kind: 'eval', results: [] },
      { stage: 'fre', step: 0, reward: 1 },
    ];
    writeFileSync(run.path('metrics.jsonl'), `${metrics.map((m) => JSON.stringify(m)).join('\n')}\n{"stage":"sft","st`);
    run.logSamples('fre', { step: 0, samples: [] });
    run.logSamples('sft', { step: 2, samples: [] });
    run.logSamples('sft', { step: 5, samples: [] });
    run.rewindLogs({ stage: 'sft', step: 4 });
    expect(read(run.path('metrics.jsonl'))).toEqual([metrics[0], metrics[1], metrics[2], metrics[6]]);
    expect(readFileSync(run.path('samples', 'fre.jsonl'), 'utf8')).toBe('');
    expect(read(run.path('samples', 'sft.jsonl'))).toEqual([{ step: 2, samples: [] }]);
    await model.dispose();
  });
});
