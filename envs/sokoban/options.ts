/** Sokoban's options: read, checked and completed once per env (see the table in game.ts). */
import type { BaseOptions } from '../core/game.js';
import { OptionReader } from '../core/options.js';
import { EnvError, type JsonObject } from '../core/types.js';
import { MAX_LEVEL_SIDE } from './boxoban.js';
import { loadLevelSet } from './level-set.js';
import { VOCABULARIES, VOCABULARY_KEYS, type Vocabulary } from './text.js';

export interface SokobanOptions extends BaseOptions {
  /** Room size in cells (gym-sokoban's dim_room is (height, width)). */
  width: number;
  height: number;
  num_boxes: number;
  /** Optimal solution length limits of generated levels, in moves. */
  min_solution_length: number;
  max_solution_length: number;
  /** Pixels a cell. */
  tile_size: number;
  /** A preset name (`default`, `boxoban`, `gym`) or an object giving every symbol. */
  text_vocabulary: string | { [key: string]: string };
  /** Whether the text view lists coordinates (`[row, column]`) under the grid. */
  text_coordinates: boolean;
  /** Whether the text view has the one-line legend of the symbols under the grid. */
  text_legend: boolean;
  /** A fixed level set: Boxoban file text, or a list of single levels; null to generate. */
  levels: string | string[] | null;
  /** Which level of the set each reset plays; -1 draws one at random. */
  level_index: number;
  /** Search budgets: reverse-play states a generation attempt, solver states a fixed level. */
  generator_states: number;
  solver_states: number;
}

const NAME = 'Sokoban';

export function resolveSokobanOptions(options: JsonObject): SokobanOptions {
  const read = new OptionReader(NAME, options);
  const base = read.base(120);
  const levels = readLevels(read.raw('levels'));
  const set = levels === null ? null : loadSetOrFail(levels);
  // With a level set the room comes from the levels; the size options are then ignored.
  const height = read.int('height', 10, 5, MAX_LEVEL_SIDE);
  const width = read.int('width', 10, 5, MAX_LEVEL_SIDE);
  const boxes = read.int('num_boxes', 4, 1, 32);
  const out: SokobanOptions = {
    ...base,
    width: set ? set.cols : width,
    height: set ? set.rows : height,
    num_boxes: set ? set.levels.reduce((m, l) => Math.max(m, l.boxes.length), 0) : boxes,
    min_solution_length: read.int('min_solution_length', 1, 1, 10_000),
    max_solution_length: read.int('max_solution_length', 10_000, 1, 10_000),
    tile_size: read.int('tile_size', 16, 2, 64),
    text_vocabulary: readVocabulary(read.raw('text_vocabulary')),
    text_coordinates: read.bool('text_coordinates', true),
    text_legend: read.bool('text_legend', true),
    levels,
    level_index: read.int('level_index', -1, -1, set ? set.levels.length - 1 : -1),
    generator_states: read.int('generator_states', 60_000, 1_000, 10_000_000),
    solver_states: read.int('solver_states', 1_000_000, 1_000, 50_000_000),
  };
  read.done();
  if (out.min_solution_length > out.max_solution_length) {
    throw new EnvError(`${NAME}: min_solution_length ${out.min_solution_length} is above max_solution_length ${out.max_solution_length}`);
  }
  // The generator's last-resort level puts the boxes side by side in one row.
  if (!set && boxes > width - 2) throw new EnvError(`${NAME}: num_boxes ${boxes} does not fit a room ${width} wide (at most ${width - 2})`);
  return out;
}

/** The vocabulary an option names. */
export function vocabularyOf(option: SokobanOptions['text_vocabulary']): Vocabulary {
  return typeof option === 'string' ? VOCABULARIES[option as keyof typeof VOCABULARIES] : (option as unknown as Vocabulary);
}

function readLevels(v: unknown): string | string[] | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return v as string[];
  throw new EnvError(`${NAME}: option levels must be Boxoban text or a non-empty list of levels, got ${JSON.stringify(v)?.slice(0, 80)}`);
}

function loadSetOrFail(levels: string | string[]) {
  try {
    return loadLevelSet(levels);
  } catch (e) {
    throw new EnvError(`${NAME}: option levels: ${(e as Error).message}`);
  }
}

function readVocabulary(v: unknown): SokobanOptions['text_vocabulary'] {
  if (v === undefined || v === null) return 'default';
  if (typeof v === 'string') {
    if (Object.hasOwn(VOCABULARIES, v)) return v;
    throw new EnvError(`${NAME}: option text_vocabulary must be one of ${Object.keys(VOCABULARIES).join(', ')} or an object, got ${JSON.stringify(v)}`);
  }
  if (typeof v === 'object' && !Array.isArray(v)) {
    const obj = v as Record<string, unknown>;
    const bad = Object.keys(obj).filter((k) => !(VOCABULARY_KEYS as readonly string[]).includes(k));
    const missing = VOCABULARY_KEYS.filter((k) => typeof obj[k] !== 'string' || obj[k] === '');
    if (bad.length === 0 && missing.length === 0) return { ...(obj as Record<string, string>) };
    throw new EnvError(
      `${NAME}: option text_vocabulary needs a non-empty string for each of ${VOCABULARY_KEYS.join(', ')}` +
        (bad.length ? `; unknown keys ${bad.join(', ')}` : `; missing ${missing.join(', ')}`),
    );
  }
  throw new EnvError(`${NAME}: option text_vocabulary must be a preset name or an object, got ${JSON.stringify(v)}`);
}
