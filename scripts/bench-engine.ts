// `npm run bench:engine [-- --json]`: the engine's figures, each beside the reference measured in the
// same run (ORT's peak MatMul rate), so they can be compared across machines as ratios.
//   1. peak MatMul GFLOP/s (1024 and 2048 squares, the better one)
//   2. TinyLMM train step (SFT graph + clip + AdamW, text-only) model GFLOP/s for tiny and small
//   3. decode tokens/s (prefill + KV-cache steps, baked weights) for small at batch 1, 64, 256
//   4. the same small train step in @tensorflow/tfjs (CPU backend), at a shape it can finish quickly,
//      against ORT at that same shape
import os from 'node:os';
import { Command } from 'commander';
import seedrandom from 'seedrandom';
import { generate, createModel, presetConfig, type PresetName, generateFlops, trainStepFlops } from '../agent/model/index.js';
// Not in the model's index: it loads @tensorflow/tfjs (a dev dependency), for this benchmark only.
import { tfjsTrainStepSeconds } from '../agent/model/tfjs-train.js';
import { measurePeakMatmulGflops } from '../agent/engine/index.js';
import { SftTrainer } from '../training/stages/sft-trainer.js';
import { referenceWarning } from '../envs/node/bench-measure.js';
import { parsePositive } from '../envs/node/cli-options.js';

const opts = new Command('bench:engine')
  .description('ORT engine benchmark: peak MatMul, TinyLMM train step, decode, TF.js comparison')
  .option('--json', 'print one JSON object')
  .option('--threads <n>', 'intra-op threads (default: all cores)', parsePositive)
  .option('--steps <n>', 'timed train steps per preset', parsePositive, 3)
  .option('--skip-tfjs', 'skip the TF.js comparison (the slowest part)')
  // TF.js's step time grows linearly with tokens (~0.1 s per token for small here), while ORT's has
  // a fixed part (AdamW over 5.5M parameters in JS): too small a shape flatters TF.js.
  .option('--tfjs-batch <n>', 'rows in the step compared with TF.js', parsePositive, 2)
  .option('--tfjs-seq <n>', 'tokens per row in the step compared with TF.js', parsePositive, 128)
  .parse()
  .opts<{ json?: boolean; threads?: number; steps: number; skipTfjs?: boolean; tfjsBatch: number; tfjsSeq: number }>();

// With --json, stdout carries exactly one JSON object: anything else printing there (TF.js prints a
// banner about its Node backend) goes to stderr.
if (opts.json) console.log = (...args: unknown[]) => void process.stderr.write(`${args.join(' ')}\n`);

const threads = opts.threads ?? os.availableParallelism();
const log = (msg: string): void => console.log(msg);
const tokens = (seed: string, n: number): number[] => {
  const r = seedrandom(seed);
  return Array.from({ length: n }, () => Math.floor(r() * 256));
};

/** Best seconds of `steps` SFT steps on random text, after one warm-up step (best-of, like the MatMul peak). */
async function trainSeconds(preset: PresetName, batch: number, seq: number, steps: number): Promise<number> {
  const model = createModel(preset, { seed: 0, threads });
  const trainer = new SftTrainer(model, { schedule: { lr: 1e-4 } });
  const inputIds = Array.from({ length: batch }, (_, b) => tokens(`${preset}${b}`, seq));
  const data = { inputIds, lossMask: inputIds.map((r) => r.map(() => 1)) };
  await trainer.step(data);
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    await trainer.step(data);
    times.push((performance.now() - t0) / 1000);
  }
  await model.dispose();
  return Math.min(...times);
}

/** Every peak sample of the run, for the stability check. */
const peaks: number[] = [];
const ratios: number[] = [];

/** A quick peak (1024 only) right before and after a measured step; the better one is its reference. */
async function quickPeak(): Promise<number> {
  const p = (await measurePeakMatmulGflops({ threads, sizes: [1024], runs: 3 })).gflops;
  peaks.push(p);
  return p;
}

/**
 * Runs `measure` between two quick peaks and returns its reference: the peak and the step share
 * the machine's state at that moment, so load that comes and goes moves both (a peak taken once
 * at the start printed "187% of peak" under load).
 */
async function interleaved<T>(measure: () => Promise<T>): Promise<{ value: T; reference: number }> {
  const before = await quickPeak();
  const value = await measure();
  const after = await quickPeak();
  return { value, reference: Math.max(before, after) };
}

async function main(): Promise<void> {
  const peak = await measurePeakMatmulGflops({ threads });
  peaks.push(peak.bySize[1024] ?? peak.gflops);
  log(`peak MatMul: ${peak.gflops.toFixed(1)} GFLOP/s (${Object.entries(peak.bySize).map(([n, g]) => `${n}: ${g.toFixed(1)}`).join(', ')}; ${threads} threads); each figure below is also divided by a 1024 peak taken just before and after it`);

  const train: Record<string, { gflops: number; ratio: number; stepMs: number; batch: number; seq: number }> = {};
  for (const [preset, batch, seq] of [['tiny', 16, 256], ['small', 8, 256]] as const) {
    const { value: secs, reference } = await interleaved(() => trainSeconds(preset, batch, seq, opts.steps));
    const gflops = trainStepFlops(presetConfig(preset), batch, seq) / secs / 1e9;
    train[preset] = { gflops, ratio: gflops / reference, stepMs: secs * 1000, batch, seq };
    ratios.push(train[preset].ratio);
    log(`train ${preset} (${batch}x${seq} tokens): ${(secs * 1000).toFixed(0)} ms/step, ${gflops.toFixed(1)} GFLOP/s = ${(100 * train[preset].ratio).toFixed(0)}% of peak (${reference.toFixed(1)})`);
  }

  const small = createModel('small', { seed: 0, threads });
  const decode: Record<number, { tokensPerSec: number; gflops: number; ratio: number }> = {};
  const prompt = 32;
  const newTokens = 32;
  for (const batch of [1, 64, 256]) {
    const inputIds = Array.from({ length: batch }, (_, b) => tokens(`p${b}`, prompt));
    const run = () => generate(small, { inputIds, maxNewTokens: newTokens, stopTokens: [], temperature: 1, seed: 1, bakeWeights: true });
    await run(); // warm-up: builds the baked sessions
    const { value: secs, reference } = await interleaved(async () => {
      let best = Infinity;
      for (let i = 0; i < 2; i++) {
        const t0 = performance.now();
        await run();
        best = Math.min(best, (performance.now() - t0) / 1000);
      }
      return best;
    });
    const gflops = generateFlops(small.config, batch, prompt, newTokens) / secs / 1e9;
    decode[batch] = { tokensPerSec: (batch * newTokens) / secs, gflops, ratio: gflops / reference };
    ratios.push(decode[batch].ratio);
    log(`decode small batch ${batch}: ${decode[batch].tokensPerSec.toFixed(0)} tokens/s, ${gflops.toFixed(1)} GFLOP/s = ${(100 * decode[batch].ratio).toFixed(0)}% of peak (${reference.toFixed(1)})`);
  }
  await small.dispose();

  let tfjs: { seconds: number; ortSeconds: number; speedup: number; batch: number; seq: number } | null = null;
  if (!opts.skipTfjs) {
    const [batch, seq] = [opts.tfjsBatch, opts.tfjsSeq];
    const ortSeconds = await trainSeconds('small', batch, seq, opts.steps);
    const seconds = await tfjsTrainStepSeconds(presetConfig('small'), batch, seq);
    tfjs = { seconds, ortSeconds, speedup: seconds / ortSeconds, batch, seq };
    log(`small train step ${batch}x${seq}: TF.js cpu ${(seconds * 1000).toFixed(0)} ms, ORT ${(ortSeconds * 1000).toFixed(0)} ms: ${tfjs.speedup.toFixed(0)}x`);
  }

  const unstable = referenceWarning('the peak MatMul', peaks, ratios);
  if (unstable) console.error(unstable);

  if (opts.json) {
    process.stdout.write(`${JSON.stringify({
      reference_unstable: unstable !== null,
      peak_samples: peaks,
      matmul_gflops: peak.gflops,
      train_gflops_tiny: train.tiny.gflops,
      train_ratio_tiny: train.tiny.ratio,
      train_gflops_small: train.small.gflops,
      train_ratio_small: train.small.ratio,
      tfjs_speedup: tfjs?.speedup ?? null,
      decode_tokens_per_s: Object.fromEntries(Object.entries(decode).map(([b, d]) => [b, d.tokensPerSec])),
      decode_ratio_b1: decode[1].ratio,
      decode_ratio_b64: decode[64].ratio,
      decode_ratio_b256: decode[256].ratio,
      threads,
      details: { peak, train, decode, tfjs },
    })}\n`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
