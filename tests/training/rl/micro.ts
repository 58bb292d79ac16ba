// A micro model and a micro task for RL tests that must run in seconds: "Repeat d" -> d. Half the
// warm start's traces copy the digit and the other half hold a random one, so the warm-started
// model answers right only some of the time: RL has room and a signal.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { generate, createModel, IM_END, type TinyLMM } from '../../../agent/model/index.js';
import { makeRng } from '../../../envs/core/rng.js';
import { SftTrainer } from '../../../training/stages/sft-trainer.js';
import { parseStrictFormat, rewardResult } from '../../../envs/rewards/index.js';
import { itemTask } from '../../../training/tasks/items.js';
import type { ItemTask, PromptItem } from '../../../training/tasks/index.js';
import type { RlStageConfig } from '../../../training/rl/loop.js';

export function microModel(seed = 0): TinyLMM {
  return createModel('tiny', { seed, threads: 1, config: { dModel: 64, nLayers: 2, nHeads: 2, dMlp: 128, maxSeqLen: 96, vision: null } });
}

export function repeatItem(digit: number, traceDigit = digit): PromptItem {
  return {
    task: 'repeat',
    key: `repeat:${digit}`,
    prompt: [{ role: 'user', content: `Repeat ${digit}` }],
    trace: `<think>${traceDigit}</think><answer>${traceDigit}</answer>`,
    reward(response) {
      const f = parseStrictFormat(response);
      const ok = f !== null && f.answer.trim() === String(digit);
      return rewardResult({ format: f ? 0.5 : 0, task: ok ? 1 : 0, success: ok });
    },
  };
}

export const repeatTask: ItemTask = itemTask('repeat', false, (seed, index) => repeatItem(makeRng(`repeat/${seed}/${index}`).int(10)));

/** Warm start: the format, with the right digit in a little over half the traces (half copied, a tenth of the rest by chance). */
export async function warmStart(model: TinyLMM, steps = 160): Promise<void> {
  const trainer = new SftTrainer(model, { schedule: { lr: 1e-2, warmup: 5 } });
  const rng = makeRng('warm');
  for (let s = 0; s < steps; s++) {
    const items = Array.from({ length: 32 }, () => {
      const d = rng.int(10);
      return repeatItem(d, rng.next() < 0.5 ? d : rng.int(10));
    });
    const prepared = model.prepare(items.map((it) => it.prompt));
    const inputIds = items.map((it, i) => [...prepared.inputIds[i], ...model.tokenizer.encode(it.trace), IM_END]);
    const lossMask = inputIds.map((row, i) => row.map((_, t) => (t >= prepared.inputIds[i].length ? 1 : 0)));
    await trainer.step({ inputIds, lossMask });
  }
}

/** Success rate on `n` items of the micro task, sampled at temperature 1 with a seed fixed by `seed`. */
export async function microSuccess(model: TinyLMM, seed: number, n = 200): Promise<number> {
  const items = Array.from({ length: n }, (_, i) => repeatTask.item(seed, i));
  const p = model.prepare(items.map((it) => it.prompt));
  const gens = await generate(model, { inputIds: p.inputIds, temperature: 1, maxNewTokens: 12, stopStrings: ['</answer>'], seed: `eval/${seed}` });
  return gens.filter((g, i) => items[i].reward(g.text).success).length / n;
}

/** An RL stage on the micro task: 8 prompts x 8 samples a step. */
export const microRl = (steps: number, estimator: RlStageConfig['estimator'] = 'reinforce_baseline'): RlStageConfig => ({
  stage: 'fre',
  tasks: ['repeat'],
  steps,
  minutes: null,
  promptsPerStep: 8,
  samplesPerPrompt: 8,
  startsPerStep: 2,
  sampling: { temperature: 1, topP: 1, maxNewTokens: 12 },
  estimator,
  klReward: 0.001,
  loss: { clip: 0.2, klLoss: 0, valueCoef: 0, valueClip: 0.2 },
  epochs: 1,
  miniBatches: 1,
  gamma: 1,
  lambda: 1,
  lr: 3e-3,
  warmup: 0,
  betas: [0.9, 0.95],
  weightDecay: 0,
  gradClip: 1,
  seqMultiple: 32,
  seed: 5,
  sampleEvery: 0,
});

/** A maker of temporary run directories, all removed when the calling file's tests end. */
export function tempDirs(prefix: string): () => string {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  return () => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
}

/** Every parameter's bytes, by name (a loaded checkpoint lists its tensors in another order). */
export const paramBytes = (m: TinyLMM): Buffer =>
  Buffer.concat([...m.params.keys()].sort().map((k) => {
    const t = m.params.get(k)!;
    return Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  }));
