/**
 * `npm run env -- <command>`: list, play, render, solve, rollout and dataset, over the registry.
 * The commands that produce files (solve, rollout, dataset) are written out below the option
 * parsing; keyboard play and the game-level dataset writer live in envs/node.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { AGENT_NAMES, agentByName, rolloutEpisode } from '../agent/agents/index.js';
import { GameEnv, encodeGif, formatNumber, formatPlan, listEnvs, make, makePuzzle, puzzleLabel, PUZZLE_DIFFICULTIES, PUZZLE_FAMILIES, solveSokoban, SOKOBAN_ACTIONS, type RgbaImage, type SokobanState } from '../envs/index.js';
import { writeFileAtomic } from '../envs/node/atomic-file.js';
import { exitOnClosedStdout, integerIn, parseInteger, parseJsonObject, parseNonNegative, parsePositive } from '../envs/node/cli-options.js';
import { writeGameDataset, type DatasetFormat } from '../envs/node/game-dataset.js';
import { playInTerminal } from '../envs/node/terminal-play.js';
import { userPath } from '../envs/node/user-path.js';
import { writeLmmR1File } from '../envs/puzzles/jsonl-file.js';
import { ReplayRecorder, type Replay } from '../envs/replay/index.js';
import { progressBar } from '../envs/node/progress.js';

/**
 * `--levels FILE`: a Boxoban level file as the `levels` option, instead of pasting it into
 * `--options`. The env options with `levels` set from `file` (a path as the user typed it: relative
 * to the directory npm was run from, INIT_CWD, not the package root npm moves to). Giving `levels`
 * both ways is an error, not a silent choice.
 */
function withLevelsFile(options: Record<string, unknown>, file: string | undefined): Record<string, never> {
  if (file === undefined) return options as Record<string, never>;
  if (Object.hasOwn(options, 'levels')) throw new Error('levels given twice: by --levels and inside --options; give one');
  const path = userPath(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`--levels ${file}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  // Record<string, never> is what the commands take for JSON options (envs/node/cli-options.ts).
  return { ...options, levels: text } as unknown as Record<string, never>;
}

interface SolveArgs {
  seed: number;
  options: Record<string, never>;
  gif?: string;
  /** GIF upscale factor (nearest neighbour). */
  scale: number;
}

/** Prints the optimal plan of a Sokoban level and optionally animates it. */
function solveCommand(id: string, args: SolveArgs): void {
  const env = make(id, args.options);
  if (!(env instanceof GameEnv) || !id.startsWith('Sokoban')) throw new Error(`solve works on Sokoban ids, not ${id}`);
  const { observation } = env.reset({ seed: args.seed });
  const state = env.currentState() as SokobanState;
  const started = performance.now();
  const result = solveSokoban(state);
  const ms = performance.now() - started;
  console.log(observation.text);
  if (!result.solved) {
    console.log(`no plan: ${result.reason} after ${result.explored} states (${ms.toFixed(1)} ms)`);
    return;
  }
  console.log(`optimal plan, ${result.length} moves (${result.explored} states, ${ms.toFixed(1)} ms):`);
  console.log(formatPlan(result.plan.map((m) => SOKOBAN_ACTIONS[m])));
  const frames: RgbaImage[] = [observation.image];
  let score: number | null = null;
  for (const move of result.plan) {
    const r = env.step(move);
    frames.push(r.observation.image);
    if ((r.terminated || r.truncated) && typeof r.info.score === 'number') score = r.info.score;
  }
  // The env scores against a proven optimum only (its own solver budget, solver_states).
  console.log(score === null ? 'score unknown: the env found no proven optimum within solver_states' : `score ${formatNumber(score)} (100 = optimal)`);
  if (args.gif) {
    writeFileAtomic(userPath(args.gif), encodeGif(frames, 150, { scale: args.scale }));
    console.log(`wrote ${args.gif} (${frames.length} frames)`);
  }
}

interface RolloutArgs {
  seed: number;
  agent: string;
  options: Record<string, never>;
  gif?: string;
  scale: number;
  replay?: string;
}

/** Plays one episode with a baseline agent; writes a GIF and a replay on request. */
async function rolloutCommand(id: string, args: RolloutArgs): Promise<void> {
  const inner = make(id, args.options);
  let replay: Replay | null = null;
  const env = new ReplayRecorder(inner, {
    agent: { name: args.agent, model: null, config: {} },
    onEpisodeEnd: (r) => (replay = r),
  });
  const agent = agentByName(args.agent, inner, args.seed);
  const result = await rolloutEpisode(env, agent, args.seed, { frames: args.gif !== undefined });
  const last = result.steps.at(-1);
  const end = last?.terminated ? 'terminated' : last?.truncated ? 'truncated' : 'stopped';
  console.log(`${id} seed ${args.seed} agent ${args.agent}: ${result.length} steps, return ${formatNumber(result.return)}, score ${result.score === null ? '-' : formatNumber(result.score)} (${end})`);
  if (args.gif && result.frames) {
    writeFileAtomic(userPath(args.gif), encodeGif(result.frames, 100, { scale: args.scale }));
    console.log(`wrote ${args.gif} (${result.frames.length} frames)`);
  }
  if (args.replay) {
    if (!replay) throw new Error('the episode did not end, so no replay was recorded');
    writeFileAtomic(userPath(args.replay), JSON.stringify(replay));
    console.log(`wrote ${args.replay}`);
  }
}

interface DatasetArgs {
  size: number;
  seed: number;
  difficulty?: number;
  format: DatasetFormat;
  options: Record<string, never>;
  out: string;
}

function parseFormat(value: string): DatasetFormat {
  if (value !== 'openrlhf' && value !== 'lmm-r1') throw new InvalidArgumentError('must be openrlhf or lmm-r1');
  return value;
}

/** Writes a puzzle dataset, or game levels when `name` is an env id. */
async function datasetCommand(name: string, args: DatasetArgs): Promise<void> {
  if (listEnvs().some((s) => s.id === name)) {
    const rows = writeGameDataset(name, { size: args.size, seed: args.seed, options: args.options, format: args.format, out: userPath(args.out) });
    console.log(`wrote ${rows.length} ${name} levels to ${args.out} (${args.format}; frames in ${dirname(rows[0]?.imagePath ?? args.out)})`);
    return;
  }
  if (!(PUZZLE_FAMILIES as readonly string[]).includes(name)) {
    throw new Error(`"${name}" is neither a puzzle family (${PUZZLE_FAMILIES.join(', ')}) nor an env id (npm run env -- list)`);
  }
  const family = name;
  const bar = progressBar(args.size, family);
  // Item by item so that the bar moves; the items are exactly those of makeDataset.
  const levels = args.difficulty === undefined ? PUZZLE_DIFFICULTIES : [args.difficulty];
  const items = [];
  for (let i = 0; i < args.size; i++) {
    items.push(makePuzzle(family, levels[i % levels.length], args.seed, i));
    bar.tick();
  }
  bar.stop();
  if (args.format === 'openrlhf') {
    // The item itself as the label: POST /v1/reward then grades with the family's verifier (the
    // gold text alone would let a bare countdown target match the gold expression's value).
    const lines = items.map((item) => JSON.stringify({ input: item.prompt, label: puzzleLabel(item) }));
    writeFileAtomic(userPath(args.out), lines.join('\n') + (lines.length > 0 ? '\n' : ''));
  } else {
    await writeLmmR1File(userPath(args.out), items);
  }
  console.log(`wrote ${items.length} ${family} items to ${args.out} (${args.format})`);
}

exitOnClosedStdout();

const program = new Command('env')
  .description('Environments of the suite: list them, play them, render frames, solve levels, write datasets')
  .showHelpAfterError();

program
  .command('list')
  .description('list the registered environment ids')
  .option('--json', 'print JSON with each id\'s options and spaces')
  .action((opts: { json?: boolean }) => {
    const specs = listEnvs();
    if (opts.json) {
      const out = specs.map((s) => ({ id: s.id, description: s.description, options: make(s.id).options, spaces: make(s.id).spaces }));
      console.log(JSON.stringify(out, null, 2));
      return;
    }
    const width = Math.max(...specs.map((s) => s.id.length));
    for (const s of specs) console.log(`${s.id.padEnd(width)}  ${s.description}`);
  });

program
  .command('play <id>')
  .description('play an environment with the keyboard in this terminal')
  .option('--seed <n>', 'level seed', parseNonNegative, 0)
  .option('--options <json>', 'env options as a JSON object', parseJsonObject, {})
  .option('--levels <file>', 'Sokoban: a Boxoban level file to play (the levels option)')
  .action(async (id: string, opts: { seed: number; options: Record<string, never>; levels?: string }) => {
    await playInTerminal(make(id, withLevelsFile(opts.options, opts.levels)), opts.seed);
  });

program
  .command('render <id>')
  .description('render the first frame of a level to PNG (and print its text view)')
  .option('--seed <n>', 'level seed', parseNonNegative, 0)
  .option('--options <json>', 'env options as a JSON object', parseJsonObject, {})
  .option('--out <file>', 'PNG file to write', 'frame.png')
  .option('--levels <file>', 'Sokoban: a Boxoban level file to play (the levels option)')
  .action((id: string, opts: { seed: number; options: Record<string, never>; out: string; levels?: string }) => {
    const env = make(id, withLevelsFile(opts.options, opts.levels));
    const { observation } = env.reset({ seed: opts.seed });
    writeFileAtomic(userPath(opts.out), env.render('png'));
    console.log(observation.text);
    console.log(`wrote ${opts.out} (${observation.image.width}x${observation.image.height})`);
  });

program
  .command('solve <id>')
  .description('print the optimal plan of a Sokoban level; --gif animates it')
  .option('--seed <n>', 'level seed', parseNonNegative, 0)
  .option('--options <json>', 'env options as a JSON object', parseJsonObject, {})
  .option('--gif <file>', 'GIF file to write (the final frame held 2 s)')
  .option('--scale <n>', 'GIF upscale factor, 1-16', integerIn(1, 16), 1)
  .option('--levels <file>', 'Sokoban: a Boxoban level file to play (the levels option)')
  .action((id: string, opts: SolveArgs & { levels?: string }) => solveCommand(id, { ...opts, options: withLevelsFile(opts.options, opts.levels) }));

program
  .command('rollout <id>')
  .description('play one episode with a baseline agent')
  .option('--agent <name>', `agent: ${AGENT_NAMES.join(', ')}`, 'random')
  .option('--seed <n>', 'episode seed', parseNonNegative, 0)
  .option('--options <json>', 'env options as a JSON object', parseJsonObject, {})
  .option('--gif <file>', 'GIF file of the episode (the final frame held 2 s)')
  .option('--scale <n>', 'GIF upscale factor, 1-16', integerIn(1, 16), 1)
  .option('--replay <file>', 'replay JSON of the episode (viewable in the viewer)')
  .option('--levels <file>', 'Sokoban: a Boxoban level file to play (the levels option)')
  .action((id: string, opts: RolloutArgs & { levels?: string }) => rolloutCommand(id, { ...opts, options: withLevelsFile(opts.options, opts.levels) }));

program
  .command('dataset <name>')
  .description('write a dataset: a puzzle family (text) or an env id (game levels, first frame as PNG beside the JSONL)')
  .option('--format <f>', 'lmm-r1 (message/answer) or openrlhf (input/images/label)', parseFormat, 'lmm-r1')
  .option('--size <n>', 'number of items', parsePositive, 1000)
  .option('--seed <n>', 'dataset seed (puzzles: any integer; game levels: row i is seed + i, from 0)', parseInteger, 0)
  .option('--difficulty <d>', 'puzzles: difficulty 1-5 (default: all five in turn)', integerIn(1, 5))
  .option('--options <json>', 'game levels: env options as a JSON object', parseJsonObject, {})
  .requiredOption('--out <file>', 'JSONL file to write')
  .action(datasetCommand);

program.parseAsync().catch((e: unknown) => {
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
