/**
 * `npm run bench:train [-- --preset tiny --steps 3 --json]`: one RL step of train:agent split into
 * its phases (sampling, environments and rewards, reference scoring, training), each FLOP rate
 * beside ORT's peak MatMul measured in the same run; tiny's decode rate at batch 64 (64 new tokens
 * after a text-Sokoban prompt; split into the prefill and a step, and as RL samples, 8 x 8); the
 * cost of a baked-weights sampler after an update; the process's memory over the steps (it must
 * stay flat: bucketed shapes, bounded session caches); and each figure against its target.
 */
import { Command, Option } from 'commander';
import { generate, createModel, type PresetName, type TinyLMM, generateFlops, groupedTrainStepFlops } from '../agent/model/index.js';
import { warnWithoutFastAllocator, fastAllocatorActive, measurePeakMatmulGflops } from '../agent/engine/index.js';
import { defaultConfig } from '../training/config.js';
import { rlState, rlStep } from '../training/rl/loop.js';
import { itemTaskNamed } from '../training/tasks/index.js';
import { parsePositive } from '../envs/node/cli-options.js';
const opts = new Command('bench:train')
  .description('One RL step split into sampling, environments/rewards, scoring and training, as ratios to the peak MatMul of the same run')
  .addOption(new Option('--preset <name>', 'model size').choices(['tiny', 'small', 'base']).default('tiny'))
  .option('--task <name>', 'RL task of the step', 'sokoban-text-6x6-1')
  .option('--prompts <n>', 'prompts per step', parsePositive, 8)
  .option('--samples <n>', 'samples per prompt', parsePositive, 8)
  .option('--new-tokens <n>', 'tokens sampled per answer (no early stop, so every row is this long)', parsePositive, 64)
  .option('--steps <n>', 'timed RL steps (after one warm-up step)', parsePositive, 3)
  .option('--threads <n>', 'intra-op threads', parsePositive, 2)
  .option('--json', 'print one JSON object')
  .parse()
  .opts<{ preset: PresetName; task: string; prompts: number; samples: number; newTokens: number; steps: number; threads: number; json?: boolean }>();

const say = (s: string) => (opts.json ? process.stderr.write(`${s}\n`) : console.log(s));
const mb = () => process.memoryUsage().rss / 2 ** 20;

/** New tokens per second of a whole generate call (its prefill included), best of two after a warm-up. */
async function decodeRate(model: TinyLMM, rows: number[][], bake: boolean, newTokens = opts.newTokens): Promise<number> {
  const run = () => generate(model, { inputIds: rows, maxNewTokens: newTokens, stopTokens: [], seed: 1, bakeWeights: bake });
  await run();
  let best = Infinity;
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    await run();
    best = Math.min(best, performance.now() - t0);
  }
  return (rows.length * newTokens) / (best / 1000);
}

/** What bounds decoding: a prefill alone, and the cost of one step after it (ms). */
async function decodeSplit(model: TinyLMM, rows: number[][]): Promise<{ prefillMs: number; stepMs: number }> {
  const ms = async (n: number) => (rows.length * n) / (await decodeRate(model, rows, false, n)) * 1000;
  const prefillMs = await ms(1);
  return { prefillMs, stepMs: ((await ms(opts.newTokens)) - prefillMs) / (opts.newTokens - 1) };
}

async function main(): Promise<void> {
  const peak = await measurePeakMatmulGflops({ threads: opts.threads });
  say(`peak MatMul: ${peak.gflops.toFixed(1)} GFLOP/s (${opts.threads} threads); allocator fast path ${fastAllocatorActive() ? 'on' : 'OFF'}`);
  warnWithoutFastAllocator();
  const model = createModel(opts.preset, { seed: 0, threads: opts.threads });
  const c = model.config;
  const source = itemTaskNamed(opts.task, 'bench:train');
  // The default FRE step on this task, at the bench's batch and answer length.
  const cfg = { ...defaultConfig().fre, tasks: [opts.task], promptsPerStep: opts.prompts, samplesPerPrompt: opts.samples, sampling: { temperature: 1, topP: 1, maxNewTokens: opts.newTokens }, lr: 1e-4, warmup: 0, seed: 7 };
  const s = await rlState(model, cfg, new Set(), async () => createModel(opts.preset, { seed: 0, threads: opts.threads }));
  const rss: number[] = [];
  const phases = { sampling: 0, rewards: 0, scoring: 0, training: 0, total: 0 };
  let sampleFlops = 0;
  let trainFlops = 0;
  try {
    for (let step = 0; step <= opts.steps; step++) {
      // Temperature 1 and no stop string other than </answer>: an untrained model rarely stops early.
      const out = await rlStep(s, source, step);
      const samples = out.rollout.samples;
      rss.push(mb());
      if (step === 0) continue; // warm-up: sessions built, shapes planned
      const prompt = Math.max(...samples.map((x) => x.promptIds.length));
      const newTok = Math.max(...samples.map((x) => x.response.length));
      const round32 = (x: number) => Math.ceil(x / 32) * 32;
      phases.sampling += out.rollout.timing.samplingMs;
      phases.rewards += out.rollout.timing.envMs + out.ms.rewards;
      phases.scoring += out.ms.reference;
      phases.training += out.update.trainMs;
      phases.total += out.ms.total;
      sampleFlops += generateFlops(c, samples.length, prompt, newTok, opts.prompts);
      // The update's layout (prompt groups, lengths rounded up to 32); reference scoring is one forward.
      trainFlops += groupedTrainStepFlops(c, opts.prompts, round32(prompt - 1), samples.length, 1 + round32(newTok));
    }
    const share = (ms: number) => ms / phases.total;
    const sGflops = sampleFlops / (phases.sampling / 1000) / 1e9;
    const tGflops = trainFlops / (phases.training / 1000) / 1e9;
    const promptRows = Array.from({ length: 64 }, (_, i) => model.prepare([source.item(11, i).prompt]).inputIds[0]);
    const decode = await decodeRate(model, promptRows, false);
    const decodeBaked = await decodeRate(model, promptRows, true);
    const split = await decodeSplit(model, promptRows);
    // As RL samples: 8 prompts x 8 samples (each prompt prefilled once).
    const groupRows = promptRows.map((_, i) => promptRows[Math.floor(i / 8)]);
    const decodeGroups = await decodeRate(model, groupRows, false);
    // What a baked sampler pays after each update: the session rebuilt with the new weights.
    model.paramsUpdated();
    const tb = performance.now();
    await generate(model, { inputIds: promptRows.slice(0, 1), maxNewTokens: 2, stopTokens: [], bakeWeights: true });
    const rebuildMs = performance.now() - tb;
    const result = {
      machine: `${opts.threads} threads`,
      fast_allocator: fastAllocatorActive(),
      preset: opts.preset,
      task: opts.task,
      batch: opts.prompts * opts.samples,
      peak_gflops: peak.gflops,
      step_s: phases.total / opts.steps / 1000,
      share: { sampling: share(phases.sampling), envs_and_rewards: share(phases.rewards), reference_scoring: share(phases.scoring), training: share(phases.training) },
      sampling_gflops: sGflops,
      sampling_ratio_to_peak: sGflops / peak.gflops,
      training_gflops: tGflops,
      training_ratio_to_peak: tGflops / peak.gflops,
      decode_tokens_per_s_batch64: decode,
      decode_tokens_per_s_batch64_baked: decodeBaked,
      decode_prefill_ms_batch64: split.prefillMs,
      decode_step_ms_batch64: split.stepMs,
      decode_tokens_per_s_8_prompts_x8: decodeGroups,
      baked_session_rebuild_ms: rebuildMs,
      rss_mb_per_step: rss.map((x) => Math.round(x)),
    };
    if (opts.json) console.log(JSON.stringify(result));
    else {
      say(`${opts.preset}, ${opts.task}, ${result.batch} samples a step: ${result.step_s.toFixed(2)} s a step`);
      say(`  sampling ${(100 * result.share.sampling).toFixed(1)}%  envs+rewards ${(100 * result.share.envs_and_rewards).toFixed(2)}%  reference ${(100 * result.share.reference_scoring).toFixed(1)}%  training ${(100 * result.share.training).toFixed(1)}%`);
      say(`  sampling ${sGflops.toFixed(1)} GFLOP/s = ${result.sampling_ratio_to_peak.toFixed(3)} of peak; training ${tGflops.toFixed(1)} GFLOP/s = ${result.training_ratio_to_peak.toFixed(3)} of peak`);
      say(`  decode at batch 64, ${opts.newTokens} new tokens, 64 distinct prompts: ${decode.toFixed(0)} tokens/s (baked weights ${decodeBaked.toFixed(0)}): prefill ${split.prefillMs.toFixed(0)} ms, then ${split.stepMs.toFixed(2)} ms a step; 8 prompts x 8 samples: ${decodeGroups.toFixed(0)} tokens/s`);
      say(`  baked session rebuild after an update ${rebuildMs.toFixed(0)} ms`);
      const check = (name: string, ok: boolean, got: string, want: string) => say(`  ${ok ? 'met   ' : 'MISSED'} ${name}: ${got} (target ${want})`);
      say('targets (issue "Training at the engine\'s speed"):');
      check('RL step of 64 samples', result.step_s <= 1.5, `${result.step_s.toFixed(2)} s`, '<= 1.5 s');
      check('policy update', result.training_ratio_to_peak >= 0.5, `${result.training_ratio_to_peak.toFixed(3)} of peak`, '>= 0.5');
      check('sampling at batch 64', result.sampling_ratio_to_peak >= 0.35, `${result.sampling_ratio_to_peak.toFixed(3)} of peak`, '>= 0.35');
      check('decode at batch 64', decode >= 10_000, `${decode.toFixed(0)} tokens/s`, '>= 10k');
      say(`  RSS by step (MB): ${result.rss_mb_per_step.join(' ')}`);
    }
  } finally {
    await Promise.all([model.dispose(), s.ref?.dispose()]);
  }
}

main().catch((e: unknown) => {
  console.error(`bench:train: ${(e as Error).message}`);
  process.exitCode = 1;
});
