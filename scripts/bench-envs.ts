/**
 * `npm run bench:envs`: environment throughput on this machine. Each figure is printed beside the
 * machine reference measured in the same run (see envs/node/bench-measure.ts) and, where the project
 * set one, its target. `--json` prints one JSON object; `--quick` shortens every measurement.
 */
import { Command } from 'commander';
import { makeRng, make, GameEnv, encodePng, generateLevel, solveSokoban, SOKOBAN_VARIANTS, footballGame, sokobanGame, type Env, type SokobanState } from '../envs/index.js';
import { formatRate, formatRatio, measure, referenceRate, referenceWarning } from '../envs/node/bench-measure.js';

interface Row {
  name: string;
  perSec: number;
  unit: string;
  target?: number;
}

const program = new Command('bench:envs')
  .description('Measure env steps/s, frames/s, level generation and solver speed')
  .option('--json', 'print one JSON object')
  .option('--quick', 'short measurements (noisier)')
  .parse();
const opts = program.opts<{ json?: boolean; quick?: boolean }>();
const ms = opts.quick ? 150 : 600;
const rows: Row[] = [];
const log = (s: string) => {
  if (!opts.json) console.log(s);
};

const reference = referenceRate(ms).perSec;
log(`machine reference: ${formatRate(reference)} FNV-1a hashes of 64 KiB per second\n`);

function add(row: Row): void {
  rows.push(row);
  const target = row.target ? `  target ${formatRate(row.target)}/s: ${row.perSec >= row.target ? 'met' : 'NOT met'}` : '';
  log(`${row.name.padEnd(44)} ${formatRate(row.perSec).padStart(8)} ${row.unit}/s  (${formatRatio(row.perSec / reference)} reference)${target}`);
}

/** Steps an env with a fixed cycle of actions, resetting at episode ends. */
function stepRate(env: Env, actions: number[], batch = 1000): number {
  env.reset({ seed: 1 });
  let i = 0;
  let seed = 1;
  return measure(() => {
    for (let k = 0; k < batch; k++) {
      const r = env.step(actions[i++ % actions.length]);
      if (r.terminated || r.truncated) env.reset({ seed: ++seed });
    }
  }, batch, ms).perSec;
}

// --- Sokoban: steps ---
{
  const env = make('Sokoban-small-v0', { max_steps: 1_000_000 }) as GameEnv<SokobanState>;
  env.reset({ seed: 1 });
  const options = env.options as Parameters<typeof sokobanGame.step>[2];
  let state = env.currentState();
  const moves = [1, 4, 2, 3, 4, 4, 1, 3];
  let i = 0;
  add({
    name: 'Sokoban-small-v0 pure core steps',
    perSec: measure(() => {
      for (let k = 0; k < 10_000; k++) state = sokobanGame.step(state, moves[i++ & 7], options).state;
    }, 10_000, ms).perSec,
    unit: 'steps',
    target: 1e6,
  });
  add({ name: 'Sokoban-small-v0 env.step (lazy observation)', perSec: stepRate(env, moves), unit: 'steps' });
}

// --- Sokoban: frames ---
{
  const env = make('Sokoban-small-v0');
  env.reset({ seed: 2 });
  const size = env.render('rgb');
  add({ name: `Sokoban RGB frames ${size.width}x${size.height}`, perSec: measure(() => env.render('rgb'), 1, ms).perSec, unit: 'frames', target: 5000 });
  add({ name: `Sokoban PNG frames ${size.width}x${size.height}`, perSec: measure(() => env.render('png'), 1, ms).perSec, unit: 'frames' });
  const frame = env.render('rgb');
  add({ name: '  of which PNG encoding alone', perSec: measure(() => encodePng(frame), 1, ms).perSec, unit: 'frames' });
}

// --- Sokoban: generation and solving, per variant ---
const perVariant: Record<string, { levels_per_s: number; solver_ms: number; mean_length: number }> = {};
for (const [id, [rows_, cols, boxes]] of Object.entries(SOKOBAN_VARIANTS)) {
  const rng = makeRng(`bench/${id}`);
  const levels: SokobanState[] = [];
  const budget = opts.quick ? 300 : 1500;
  const start = performance.now();
  while (performance.now() - start < budget) {
    const g = generateLevel(rng, { rows: rows_, cols, boxes, minLength: 1, maxLength: 10_000 });
    levels.push({ ...g.level, solution: g.solution, levelIndex: -1 });
  }
  const levelsPerSec = (levels.length / (performance.now() - start)) * 1000;
  const sample = levels.slice(0, opts.quick ? 10 : 30);
  const t0 = performance.now();
  let total = 0;
  let solved = 0;
  for (const level of sample) {
    const r = solveSokoban(level);
    if (r.solved) {
      total += r.length;
      solved++;
    }
  }
  const solverMs = (performance.now() - t0) / sample.length;
  // Over the solved levels only: an unsolved one (solver budget) is not a length of 0.
  perVariant[id] = { levels_per_s: levelsPerSec, solver_ms: solverMs, mean_length: solved > 0 ? total / solved : Number.NaN };
  add({ name: `${id} solvable levels generated`, perSec: levelsPerSec, unit: 'levels', target: id === 'Sokoban-small-v0' ? 2000 : undefined });
  log(`${''.padEnd(44)} solver ${solverMs.toFixed(2)} ms/level (mean optimal length ${perVariant[id].mean_length.toFixed(1)} over ${solved}/${sample.length} solved)`);
}

// --- Football ---
{
  const actions = [5, 5, 4, 6, 13, 5, 11, 5];
  for (const id of ['Football-11v11-v0', 'Football-counterattack-hard-v0', 'Football-empty-goal-v0']) {
    const env = make(id) as GameEnv<unknown>;
    env.reset({ seed: 3 });
    const options = env.options as Parameters<typeof footballGame.step>[2];
    let state = footballGame.initial(makeRng(5), options);
    let i = 0;
    add({
      name: `${id} pure core steps`,
      perSec: measure(() => {
        for (let k = 0; k < 2000; k++) {
          const r = footballGame.step(state, actions[i++ & 7], options);
          state = r.terminated ? footballGame.initial(makeRng(i), options) : r.state;
        }
      }, 2000, ms).perSec,
      unit: 'steps',
      target: id === 'Football-11v11-v0' ? 50_000 : undefined,
    });
  }
  const env = make('Football-11v11-v0') as GameEnv<unknown>;
  add({ name: 'Football-11v11-v0 env.step, nothing read', perSec: stepRate(env, actions, 2000), unit: 'steps' });
  for (const view of ['text', 'state'] as const) {
    env.reset({ seed: 4 });
    let seed = 4;
    let i = 0;
    add({
      name: `Football-11v11-v0 env.step, ${view} read`,
      perSec: measure(() => {
        for (let k = 0; k < 500; k++) {
          const r = env.step(actions[i++ & 7]);
          void r.observation[view];
          if (r.terminated || r.truncated) env.reset({ seed: ++seed });
        }
      }, 500, ms).perSec,
      unit: 'steps',
    });
  }
  env.reset({ seed: 3 });
  const frame = env.render('rgb');
  add({ name: `Football RGB frames ${frame.width}x${frame.height}`, perSec: measure(() => env.render('rgb'), 1, ms).perSec, unit: 'frames' });
  add({ name: `Football PNG frames ${frame.width}x${frame.height}`, perSec: measure(() => env.render('png'), 1, ms).perSec, unit: 'frames' });
}

// The reference again at the end: a machine that got busier (or calmer) mid-run shows here.
const referenceEnd = referenceRate(ms).perSec;
const unstable = referenceWarning('the machine reference', [reference, referenceEnd], []);
if (unstable) console.error(unstable);

if (opts.json) {
  const out: Record<string, unknown> = { reference_hashes_per_s: reference, reference_end_hashes_per_s: referenceEnd };
  for (const r of rows) out[r.name.trim().replace(/[^A-Za-z0-9]+/g, '_').toLowerCase()] = r.perSec;
  out.sokoban_variants = perVariant;
  console.log(JSON.stringify(out, null, 2));
}
