/**
 * Game levels as OpenRLHF / LMM-R1 prompt datasets: one JSONL row per level, the first frame as a
 * PNG file beside the JSONL, and a label naming the level ({ env_id, seed, options }) that the
 * reward endpoint and integrations/openrlhf/agent_func.py rebuild the level from.
 *
 * Column names are OpenRLHF's defaults where it has them: `input` (--data.input_key) and `images`
 * (--data.image_key); `label` must be named (--data.label_key label). LMM-R1's fork reads
 * `message` (a JSON string of messages with image parts) and the label from `answer`.
 */
import { basename, dirname, join, resolve } from 'node:path';
import { footballTaskPrompt, make } from '../index.js';
import type { JsonObject } from '../core/types.js';
import { ensureDir, writeFileAtomic } from './atomic-file.js';

export type DatasetFormat = 'openrlhf' | 'lmm-r1';

export interface GameDatasetArgs {
  size: number;
  /** Row i is the level of seed `seed + i`. */
  seed: number;
  options: JsonObject;
  format: DatasetFormat;
  out: string;
}

export interface GameRow {
  label: { env_id: string; seed: number; options: JsonObject };
  text: string;
  imagePath: string;
  line: string;
}

function sokobanTask(options: Record<string, unknown>): string {
  const global = options.protocol === 'global';
  return [
    'You are playing Sokoban. Push every box onto a target; boxes can be pushed, never pulled. Moves: Up, Down, Left, Right.',
    global
      ? 'Give the whole plan at once, comma-separated.'
      : Number(options.max_actions_per_turn ?? 1) === 1
        ? 'Each turn you see the board after your last move; give one move.'
        : `Each turn you see the board after your last moves; give up to ${String(options.max_actions_per_turn)} moves, comma-separated.`,
    'Think step by step inside <think></think>, then give your moves inside <answer></answer>.',
  ].join('\n');
}

/** The task text before the board: what the game is and how to answer. */
function taskText(envId: string, options: Record<string, unknown>): string {
  if (envId.startsWith('Football')) return footballTaskPrompt(options as unknown as Parameters<typeof footballTaskPrompt>[0]);
  if (envId.startsWith('Sokoban')) return sokobanTask(options);
  return 'Play the game. Think step by step inside <think></think>, then give your action inside <answer></answer>.';
}

/** Writes `size` levels of `envId`; returns the rows (also for tests). */
export function writeGameDataset(envId: string, args: GameDatasetArgs): GameRow[] {
  const out = resolve(args.out);
  const imageDir = join(dirname(out), `${basename(out).replace(/\.jsonl$/, '')}-frames`);
  ensureDir(imageDir);
  const env = make(envId, args.options);
  // The resolved options (defaults filled in) say what the prompt must, e.g. actions per turn.
  const resolved = (env as unknown as { options?: Record<string, unknown> }).options ?? args.options;
  const rows: GameRow[] = [];
  for (let i = 0; i < args.size; i++) {
    const seed = args.seed + i;
    const { observation } = env.reset({ seed });
    // Absolute paths: OpenRLHF's workers open images relative to their own working directory.
    const imagePath = join(imageDir, `${String(i).padStart(6, '0')}-seed${seed}.png`);
    writeFileAtomic(imagePath, env.render('png'));
    const label = { env_id: envId, seed, options: args.options };
    const text = `${taskText(envId, resolved)}\n\n${observation.text}`;
    let row: Record<string, unknown>;
    if (args.format === 'openrlhf') {
      // `<image>` marks where OpenRLHF puts the image in the user turn (--data.apply_chat_template).
      row = { input: [{ role: 'user', content: `<image>${text}` }], images: [imagePath], label: JSON.stringify(label) };
    } else {
      const message = [{ role: 'user', content: [{ type: 'image', image: `file://${imagePath}` }, { type: 'text', text }] }];
      row = { message: JSON.stringify(message), answer: JSON.stringify(label) };
    }
    rows.push({ label, text: observation.text, imagePath, line: JSON.stringify(row) });
  }
  env.close();
  writeFileAtomic(out, rows.map((r) => r.line).join('\n') + (rows.length > 0 ? '\n' : ''));
  return rows;
}
