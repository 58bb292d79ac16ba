// Sampled tokens/s of generate() for the `tiny` preset: batch 64, a ~200-token prompt, 64 new
// tokens, temperature 1, every row generating all of them (stopTokens: []), with and without baked
// weights. `--finish spread` instead gives each row a stop token taken from a reference run, so that
// rows finish one after another (what dropping finished rows is for); tokens/s then counts the
// tokens actually sampled. Mode `rebuilt` is baked with paramsUpdated() before every call, as in RL
// after each training step: the baked sessions are rebuilt inside the timed call.
//
//   npx tsx scripts/bench-sampling.ts [--batch 64] [--prompt 200] [--new 64] [--rounds 5] [--threads 2]
//                                     [--finish all|spread] [--modes unbaked,baked,rebuilt]
//
// Each figure is the best and the median of `rounds` timed calls after one warm-up call (which builds
// the sessions), the modes interleaved round by round so that load from other processes on a shared
// machine hits them alike. The best is the steadier figure there.
import { performance } from 'node:perf_hooks';
import { Command, InvalidArgumentError, Option } from 'commander';
import seedrandom from 'seedrandom';
import { generate, createModel, type GenerateOptions } from '../agent/model/index.js';
import { integerIn, parsePositive } from '../envs/node/cli-options.js';

const MODES = ['unbaked', 'baked', 'rebuilt'];
const modeList = (v: string): string[] => {
  const list = v.split(',').map((m) => m.trim());
  for (const m of list) if (!MODES.includes(m)) throw new InvalidArgumentError(`unknown mode "${m}" (${MODES.join(', ')})`);
  return list;
};

const o = new Command('bench-sampling')
  .description('Sampled tokens/s of generate() for the tiny preset, with and without baked weights')
  .option('--batch <n>', 'rows', parsePositive, 64)
  // Rows are 0-7 tokens shorter than --prompt, so it needs 8 to leave every row a token.
  .option('--prompt <n>', 'prompt tokens of the longest row', integerIn(8), 200)
  .option('--new <n>', 'tokens generated per row', parsePositive, 64)
  .option('--rounds <n>', 'timed calls per mode (after one warm-up call)', parsePositive, 5)
  .option('--threads <n>', 'intra-op threads', parsePositive, 2)
  .addOption(new Option('--finish <how>', 'all: every row generates every token; spread: rows stop one after another').choices(['all', 'spread']).default('all'))
  .option('--modes <list>', `comma-separated, of ${MODES.join(', ')}`, modeList, MODES)
  .parse()
  .opts<{ batch: number; prompt: number; new: number; rounds: number; threads: number; finish: string; modes: string[] }>();

const { batch, rounds, threads, finish, modes } = o;
const promptLen = o.prompt;
const newTokens = o.new;

/** Byte tokens of a row: lengths vary by a few tokens around `promptLen`, as real prompts do. */
function promptRow(b: number): number[] {
  const rng = seedrandom(`prompt:${b}`);
  const len = promptLen - (b % 8);
  return Array.from({ length: len }, () => 32 + Math.floor(rng() * 95));
}

async function main(): Promise<void> {
  const model = createModel('tiny', { seed: 0, threads });
  const inputIds = Array.from({ length: batch }, (_, b) => promptRow(b));
  const base: GenerateOptions = { inputIds, maxNewTokens: newTokens, temperature: 1, seed: 1, stopTokens: [] };
  console.log(`tiny, threads ${threads}, batch ${batch}, prompt ${promptLen - 7}..${promptLen}, new ${newTokens}, finish ${finish}`);
  const runs = [];
  for (const mode of modes) {
    if (!['unbaked', 'baked', 'rebuilt'].includes(mode)) throw new Error(`unknown mode ${mode}`);
    let opts: GenerateOptions = { ...base, bakeWeights: mode !== 'unbaked' };
    if (finish === 'spread') {
      // Row b stops at (the first occurrence of) its token number ~ (b + 1) * new / batch.
      const ref = await generate(model, opts);
      opts = { ...opts, stopTokens: ref.map((g, b) => [g.tokens[Math.max(0, Math.ceil(((b + 1) * newTokens) / batch) - 1)]]) };
    }
    runs.push({ mode, opts, times: [] as number[], sampled: 0 });
  }
  for (let round = -1; round < rounds; round++) {
    for (const r of runs) {
      if (r.mode === 'rebuilt') model.paramsUpdated();
      const t0 = performance.now();
      const gens = await generate(model, r.opts);
      const secs = (performance.now() - t0) / 1000;
      r.sampled = gens.reduce((a, g) => a + g.tokens.length, 0);
      if (round >= 0) r.times.push(secs); // round -1 is the warm-up: builds the sessions
    }
  }
  for (const { mode, times, sampled } of runs) {
    const sorted = [...times].sort((a, b) => a - b);
    const best = sorted[0];
    const median = sorted[Math.floor(sorted.length / 2)];
    console.log(
      `${mode.padEnd(8)} ${(sampled / best).toFixed(0).padStart(6)} tokens/s best, ${(sampled / median).toFixed(0).padStart(6)} median  (${sampled} tokens; ${times.map((t) => (t * 1000).toFixed(0)).join(' ')} ms)`,
    );
  }
  await model.dispose();
}

await main();
