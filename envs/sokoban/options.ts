/** Sokoban's options: read, checked and completed once per env (see the table in game.ts). */
import type { BaseOptions } from '../core/game.js';
import { OptionReader } from '../core/options.js';
import { EnvError, type JsonObject } from '../core/types.js';
import { MAX_LEVEL_SIDE } from './boxoban.js';
import { loadLevelSet } from './level-set.js';
import { DEFAULT_MAX_STATES } from './solver.js';
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
  /** 5 (noop and the four pushing moves) or 9 (gym-sokoban's, with 5-8 walking without pushing). */
  num_actions: 5 | 9;
  /**
   * Whether an episode's step and action limits grow to fit its level's optimal plan (so that an
   * optimal play always fits and scores 100). Default: true with a fixed level set, whose levels
   * may need more than the 50 moves of the global protocol; false for generated levels.
   */
  fit_limits: boolean;
}

const NAME = 'Sokoban';

export function resolveSokobanOptions(options: JsonObject): SokobanOptions {
  const read = new OptionReader(NAME, options);
  const base = read.base(120);
  const levels = readLevels(read.raw('levels'));
  const set = levels === null ? null : loadSetOrFail(levels);
  // With a level set the room comes from the levels: a size option given beside them must agree,
  // since silently playing another size than the one asked for hides a mistake.
  const setBoxes = set ? set.levels.reduce((m, l) => Math.max(m, l.boxes.length), 0) : 0;
  const given = (key: string) => options[key] !== undefined && options[key] !== null;
  // A level set may hold rooms smaller than a generated room may be (5 cells a side).
  const minSide = set ? 1 : 5;
  const height = read.int('height', set ? set.rows : 10, minSide, MAX_LEVEL_SIDE);
  const width = read.int('width', set ? set.cols : 10, minSide, MAX_LEVEL_SIDE);
  const boxes = read.int('num_boxes', set ? setBoxes : 4, 1, 32);
  if (set) {
    const conflicts: string[] = [];
    if (given('height') && height !== set.rows) conflicts.push(`height ${height} (the levels have ${set.rows} rows)`);
    if (given('width') && width !== set.cols) conflicts.push(`width ${width} (the levels have ${set.cols} columns)`);
    if (given('num_boxes') && boxes !== setBoxes) conflicts.push(`num_boxes ${boxes} (the levels have ${setBoxes === 1 ? '1 box' : `${setBoxes} boxes`}${set.levels.some((l) => l.boxes.length !== setBoxes) ? ' at most' : ''})`);
    if (conflicts.length > 0) {
      throw new EnvError(`${NAME}: option levels fixes the room, but ${conflicts.join(' and ')} disagree${conflicts.length === 1 ? 's' : ''}; leave the size options out with levels`);
    }
  }
  const out: SokobanOptions = {
    ...base,
    width,
    height,
    num_boxes: boxes,
    min_solution_length: read.int('min_solution_length', 1, 1, 10_000),
    max_solution_length: read.int('max_solution_length', 10_000, 1, 10_000),
    tile_size: read.int('tile_size', 16, 2, 64),
    text_vocabulary: readVocabulary(read.raw('text_vocabulary')),
    text_coordinates: read.bool('text_coordinates', true),
    text_legend: read.bool('text_legend', true),
    levels,
    level_index: read.int('level_index', -1, -1, set ? set.levels.length - 1 : -1),
    generator_states: read.int('generator_states', 60_000, 1_000, 10_000_000),
    solver_states: read.int('solver_states', DEFAULT_MAX_STATES, 1_000, 50_000_000),
    num_actions: readNumActions(read.int('num_actions', 5, 5, 9)),
    fit_limits: read.bool('fit_limits', set !== null),
  };
  read.done();
  if (out.min_solution_length > out.max_solution_length) {
    throw new EnvError(`${NAME}: min_solution_length ${out.min_solution_length} is above max_solution_length ${out.max_solution_length}`);
  }
  // The generator's last-resort level puts the boxes side by side in one row.
  if (!set && boxes > width - 2) throw new EnvError(`${NAME}: num_boxes ${boxes} does not fit a room ${width} wide (at most ${width - 2})`);
  return out;
}

function readNumActions(n: number): 5 | 9 {
  if (n === 5 || n === 9) return n;
  throw new EnvError(`${NAME}: option num_actions must be 5 (noop and four pushing moves) or 9 (gym-sokoban's, adding four walks that never push), got ${n}`);
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
