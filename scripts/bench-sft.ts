/**
 * `npm run bench:sft [-- --presets tiny,small --steps 4 --json]`: warm-start (SFT) throughput on the
 * default mix at batch 32: real tokens per second, the share of computed tokens that are padding,
 * and GFLOP/s as a ratio to ORT's peak MatMul measured in the same run; each with the batch padded
 * to its longest row and with length buckets (two micro-batches of similar lengths, one update),
 * the speedup between them as a paired ratio.
 */
import { Command, InvalidArgumentError } from 'commander';
import { createModel, type PresetName, trainStepFlops } from '../agent/model/index.js';
import { warnWithoutFastAllocator, fastAllocatorActive, measurePeakMatmulGflops } from '../agent/engine/index.js';
import { DEFAULT_SFT_MIX, sftBatches } from '../training/stages/sft.js';
import { LENGTH_MULTIPLE, lengthBuckets, SftTrainer, type SftBatch } from '../training/stages/sft-trainer.js';
import { parsePositive } from '../envs/node/cli-options.js';

const presets = (v: string): PresetName[] => {
  const list = v.split(',').map((x) => x.trim());
  for (const p of list) if (!['tiny', 'small', 'base'].includes(p)) throw new InvalidArgumentError(`unknown preset '${p}' (tiny, small, base)`);
  return list as PresetName[];
};
const opts = new Command('bench:sft')
  .description('Warm-start throughput: tokens/s, padding share and ratio to peak MatMul, with and without length buckets')
  .option('--presets <list>', 'model sizes, comma-separated', presets, ['tiny', 'small'] as PresetName[])
  .option('--batch <n>', 'rows per step', parsePositive, 32)
  .option('--steps <n>', 'timed steps per setting (after one warm-up step)', parsePositive, 4)
  .option('--threads <n>', 'intra-op threads', parsePositive, 2)
  .option('--json', 'print one JSON object')
  .parse()
  .opts<{ presets: PresetName[]; batch: number; steps: number; threads: number; json?: boolean }>();

const say = (s: string) => (opts.json ? process.stderr.write(`${s}\n`) : console.log(s));
const padTo = (n: number) => Math.ceil(n / LENGTH_MULTIPLE) * LENGTH_MULTIPLE;

interface Setting {
  tokens_per_s: number;
  padding_share: number;
  gflops: number;
  ratio_to_peak: number;
  step_s: number;
}

/** Times `steps` SFT steps (after a warm-up) of one preset, with or without buckets. */
async function measure(preset: PresetName, bucketing: boolean, peak: number): Promise<Setting> {
  const model = createModel(preset, { seed: 0, threads: opts.threads });
  const trainer = new SftTrainer(model, { schedule: { lr: 1e-3 }, bucketing });
  const batches = sftBatches(model, { ...DEFAULT_SFT_MIX }, opts.batch, 1, new Set());
  let ms = 0;
  let real = 0;
  let computed = 0;
  let flops = 0;
  try {
    for (let step = 0; step <= opts.steps; step++) {
      const b: SftBatch = batches(step);
      const t0 = performance.now();
      await trainer.step(b);
      if (step === 0) continue; // warm-up: sessions built
      ms += performance.now() - t0;
      const lengths = b.inputIds.map((r) => r.length);
      real += lengths.reduce((a, x) => a + x, 0);
      for (const part of bucketing ? lengthBuckets(lengths) : [lengths.map((_, i) => i)]) {
        const seq = padTo(Math.max(...part.map((i) => lengths[i])));
        computed += part.length * seq;
        flops += trainStepFlops(model.config, part.length, seq);
      }
    }
  } finally {
    await model.dispose();
  }
  const gflops = flops / (ms / 1000) / 1e9;
  return { tokens_per_s: real / (ms / 1000), padding_share: 1 - real / computed, gflops, ratio_to_peak: gflops / peak, step_s: ms / opts.steps / 1000 };
}

async function main(): Promise<void> {
  const peak = await measurePeakMatmulGflops({ threads: opts.threads });
  say(`peak MatMul: ${peak.gflops.toFixed(1)} GFLOP/s (${opts.threads} threads); allocator fast path ${fastAllocatorActive() ? 'on' : 'OFF'}`);
  warnWithoutFastAllocator();
  const result: Record<string, unknown> = { machine: `${opts.threads} threads`, fast_allocator: fastAllocatorActive(), batch: opts.batch, peak_gflops: peak.gflops };
  for (const preset of opts.presets) {
    const padded = await measure(preset, false, peak.gflops);
    const buckets = await measure(preset, true, peak.gflops);
    const speedup = buckets.tokens_per_s / padded.tokens_per_s;
    result[preset] = { padded_to_longest: padded, length_buckets: buckets, speedup };
    const line = (name: string, s: Setting) =>
      `  ${name.padEnd(18)} ${s.tokens_per_s.toFixed(0).padStart(6)} tokens/s  ${s.step_s.toFixed(2)} s a step  padding ${(100 * s.padding_share).toFixed(1)}% of computed tokens  ${s.gflops.toFixed(1)} GFLOP/s = ${s.ratio_to_peak.toFixed(3)} of peak`;
    say(`${preset}, SFT at batch ${opts.batch} on the default warm-start mix:`);
    say(line('padded to longest', padded));
    say(line('length buckets', buckets));
    say(`  length buckets / padded: x${speedup.toFixed(2)} tokens/s`);
  }
  if (opts.json) console.log(JSON.stringify(result));
}

main().catch((e: unknown) => {
  console.error(`bench:sft: ${(e as Error).message}`);
  process.exitCode = 1;
});
