// SFT phases: a long run changes its mix at a step without changing what came before, and a task
// kept across phases goes on drawing new items where it stopped.
import { describe, expect, it } from 'vitest';
import { createModel } from '../../../agent/model/index.js';
import { checkConfig, defaultConfig, mergeConfig } from '../../../training/config.js';
import { sftBatches, type SftPhase } from '../../../training/stages/sft.js';
import { itemTaskNamed, trainingItem } from '../../../training/tasks/index.js';

const model = createModel('tiny', { seed: 1, threads: 1, config: { dModel: 32, nLayers: 1, nHeads: 2, dMlp: 64, vision: null } });
const heldOut = new Set<string>();
const seed = 7;
const rowsOf = (batches: ReturnType<typeof sftBatches>, steps: number[]) => steps.map((s) => batches(s).inputIds);
/** The tokens of item `index` of a task's training stream, as a batch row holds it (prompt and trace). */
const rowOfItem = (task: string, index: number): number[] => {
  const it = trainingItem((s, i) => itemTaskNamed(task, 'the test').item(s, i), seed, index, heldOut);
  return [...model.prepare([it.prompt]).inputIds[0], ...model.tokenizer.encode(it.trace)];
};

describe('SFT phases', () => {
  const first = { 'arithmetic-d2': 1 };
  const later: SftPhase[] = [
    { from: 3, mix: { 'arithmetic-d2': 1, 'countdown-d1': 1 }, batchSize: 4 },
    { from: 5, mix: { 'countdown-d1': 1 }, batchSize: 1 },
  ];

  it('leaves the steps before the first phase as they were', () => {
    const plain = sftBatches(model, first, 2, seed, heldOut);
    const phased = sftBatches(model, first, 2, seed, heldOut, later);
    expect(rowsOf(phased, [0, 1, 2])).toEqual(rowsOf(plain, [0, 1, 2]));
    expect(rowsOf(phased, [3])).not.toEqual(rowsOf(plain, [3]));
  });

  it("draws each task's items on from where its earlier phases left them, in the phase's mix", () => {
    const phased = sftBatches(model, first, 2, seed, heldOut, later);
    // Phase 0 drew arithmetic items 0..5 (3 steps of 2); phase 1 draws 2 a step of each task.
    const step3 = phased(3).inputIds.map((r) => r.slice(0, -1)); // the last token is <|im_end|>
    expect(step3).toEqual([rowOfItem('arithmetic-d2', 6), rowOfItem('arithmetic-d2', 7), rowOfItem('countdown-d1', 0), rowOfItem('countdown-d1', 1)]);
    const step4 = phased(4).inputIds.map((r) => r.slice(0, -1));
    expect(step4).toEqual([rowOfItem('arithmetic-d2', 8), rowOfItem('arithmetic-d2', 9), rowOfItem('countdown-d1', 2), rowOfItem('countdown-d1', 3)]);
    // Phase 2 (from step 5): countdown alone, after the 4 items phase 1 drew.
    expect(phased(6).inputIds.map((r) => r.slice(0, -1))).toEqual([rowOfItem('countdown-d1', 5)]);
  });

  it('the config refuses phases out of order or malformed, naming the phase', () => {
    const bad = (phases: unknown) => () => checkConfig(mergeConfig(defaultConfig(), { sft: { phases } }));
    expect(bad([{ from: 5, mix: { 'arithmetic-d2': 1 }, batchSize: 8 }])).not.toThrow();
    expect(bad([{ from: 5, mix: { 'arithmetic-d2': 1 }, batchSize: 8 }, { from: 5, mix: { 'countdown-d1': 1 }, batchSize: 8 }])).toThrow(/sft\.phases\[1\]\.from must be a whole step after 5/);
    expect(bad([{ from: 0, mix: { 'arithmetic-d2': 1 }, batchSize: 8 }])).toThrow(/sft\.phases\[0\]\.from/);
    expect(bad([{ from: 5, mix: {}, batchSize: 8 }])).toThrow(/sft\.phases\[0\]\.mix: the shares must add up/);
    expect(bad([{ from: 5, mix: { 'arithmetic-d2': -1 }, batchSize: 8 }])).toThrow(/sft\.phases\[0\]\.mix\.arithmetic-d2/);
    expect(bad([{ from: 5, mix: { 'arithmetic-d2': 1 } }])).toThrow(/exactly the keys from, mix, batchSize/);
    expect(bad([{ from: 5, mix: { 'arithmetic-d2': 1 }, batchSize: 0 }])).toThrow(/batchSize must be a positive integer/);
    expect(bad({ from: 5 })).toThrow(/expected array/);
  });
});
