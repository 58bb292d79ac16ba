/** The env CLI's commands that produce files: solve, rollout and dataset. */
import { dirname } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { rolloutEpisode } from '../../agent/baselines/rollout.js';
import { listEnvs } from '../../envs/index.js';
import { writeGameDataset, type DatasetFormat } from './game-dataset.js';
import { GameEnv, encodeGif, formatNumber, formatPlan, make, makePuzzle, puzzleLabel, PUZZLE_DIFFICULTIES, PUZZLE_FAMILIES, solveSokoban, SOKOBAN_ACTIONS, type RgbaImage, type SokobanState } from '../../envs/index.js';
import { writeLmmR1File } from '../../envs/puzzles/jsonl-file.js';
import { ReplayRecorder, type Replay } from '../../envs/replay/index.js';
import { agentByName } from './agents.js';
import { writeFileAtomic } from '../../envs/node/atomic-file.js';
import { userPath } from '../../envs/node/user-path.js';
import { progressBar } from './progress.js';

export interface SolveArgs {
  seed: number;
  options: Record<string, never>;
  gif?: string;
  /** GIF upscale factor (nearest neighbour). */
  scale: number;
}

/** Prints the optimal plan of a Sokoban level and optionally animates it. */
export function solveCommand(id: string, args: SolveArgs): void {
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

export interface RolloutArgs {
  seed: number;
  agent: string;
  options: Record<string, never>;
  gif?: string;
  scale: number;
  replay?: string;
}

/** Plays one episode with a baseline agent; writes a GIF and a replay on request. */
export async function rolloutCommand(id: string, args: RolloutArgs): Promise<void> {
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

export interface DatasetArgs {
  size: number;
  seed: number;
  difficulty?: number;
  format: DatasetFormat;
  options: Record<string, never>;
  out: string;
}

export function parseFormat(value: string): DatasetFormat {
  if (value !== 'openrlhf' && value !== 'lmm-r1') throw new InvalidArgumentError('must be openrlhf or lmm-r1');
  return value;
}

/** Writes a puzzle dataset, or game levels when `name` is an env id. */
export async function datasetCommand(name: string, args: DatasetArgs): Promise<void> {
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
