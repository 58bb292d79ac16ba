/**
 * The board as a model reads it: the room as a character grid in a configurable vocabulary, a
 * one-line legend in plain words, then (optionally) a listing of coordinates (`[row, column]`,
 * 0-based from the top-left, as in the JSON state), since language models count grid columns
 * poorly. `sokobanBoard` is the one writer of it: the env's text observation, the `sokoban` text
 * puzzle family and any prompt that shows a level all call it, so they show the same board.
 *
 * Default vocabulary (ASCII, Boxoban's symbols with `_` for floor so no cell is blank): `#` wall,
 * `_` floor, `.` target, `$` box, `*` box on a target, `@` player, `+` player on a target.
 * Presets: `default`, `boxoban` (the same with a space for floor, as in Boxoban files), `gym`
 * (gym-sokoban's codes 0-5, player on target 6).
 */
import { TARGET, WALL, type SokobanLevel } from './types.js';

export interface Vocabulary {
  readonly wall: string;
  readonly floor: string;
  readonly target: string;
  readonly box: string;
  readonly box_on_target: string;
  readonly player: string;
  readonly player_on_target: string;
}

export const VOCABULARY_KEYS = ['wall', 'floor', 'target', 'box', 'box_on_target', 'player', 'player_on_target'] as const;

/** Frozen: sokobanLegend caches each vocabulary's legend. */
export const VOCABULARIES: Readonly<Record<'default' | 'boxoban' | 'gym', Vocabulary>> = Object.freeze({
  default: Object.freeze({ wall: '#', floor: '_', target: '.', box: '$', box_on_target: '*', player: '@', player_on_target: '+' }),
  boxoban: Object.freeze({ wall: '#', floor: ' ', target: '.', box: '$', box_on_target: '*', player: '@', player_on_target: '+' }),
  gym: Object.freeze({ wall: '0', floor: '1', target: '2', box: '4', box_on_target: '3', player: '5', player_on_target: '6' }),
});

/**
 * The grid alone, one line a row. Written cell by cell into one string (player over box over the
 * fixed cell, as an overlay would): the former grid of one-character arrays, overlaid, mapped and
 * joined, took 1.1 us and ~4 kB of garbage a 7x7 grid; this takes 0.5 us. With the coordinate
 * loops below, `npm run bench:server` (text step) went from 86-94 to 74-85 us CPU a request.
 */
export function sokobanGrid(level: SokobanLevel, vocab: Vocabulary = VOCABULARIES.default): string {
  const { fixed, boxes } = level;
  const pr = level.player[0];
  const pc = level.player[1];
  let out = '';
  for (let r = 0; r < fixed.length; r++) {
    const row = fixed[r];
    if (r > 0) out += '\n';
    for (let c = 0; c < row.length; c++) {
      const v = row[c];
      if (r === pr && c === pc) out += v === TARGET ? vocab.player_on_target : vocab.player;
      else if (hasBox(boxes, r, c)) out += v === TARGET ? vocab.box_on_target : vocab.box;
      else out += v === WALL ? vocab.wall : v === TARGET ? vocab.target : vocab.floor;
    }
  }
  return out;
}

function hasBox(boxes: SokobanLevel['boxes'], r: number, c: number): boolean {
  for (let i = 0; i < boxes.length; i++) if (boxes[i][0] === r && boxes[i][1] === c) return true;
  return false;
}

/** `[r, c], [r, c], ...` */
function cellList(cells: readonly (readonly [number, number])[]): string {
  let out = '';
  for (let i = 0; i < cells.length; i++) out += `${i > 0 ? ', ' : ''}[${cells[i][0]}, ${cells[i][1]}]`;
  return out;
}

/** The first line of the coordinate listing: what the pairs mean. */
export const SOKOBAN_COORDINATES_NOTE = 'Coordinates are [row, column], 0-based from the top-left.';

/**
 * Positions of player, boxes and targets, and the count of boxes on targets, under a line saying
 * what the pairs are (loops: see sokobanGrid).
 */
export function sokobanCoordinates(level: SokobanLevel): string {
  const { fixed, boxes, player } = level;
  let targets = '';
  for (let r = 0; r < fixed.length; r++) {
    const row = fixed[r];
    for (let c = 0; c < row.length; c++) if (row[c] === TARGET) targets += `${targets === '' ? '' : ', '}[${r}, ${c}]`;
  }
  let onTarget = 0;
  for (let i = 0; i < boxes.length; i++) if (fixed[boxes[i][0]][boxes[i][1]] === TARGET) onTarget++;
  return (
    `${SOKOBAN_COORDINATES_NOTE}\n` +
    `player: [${player[0]}, ${player[1]}]\n` +
    `boxes: ${cellList(boxes)}\n` +
    `targets: ${targets}\n` +
    `boxes on target: ${onTarget}/${boxes.length}`
  );
}

/** Each symbol's name in the legend, in VOCABULARY_KEYS order; the model is the player. */
const LEGEND_WORDS: Readonly<Record<(typeof VOCABULARY_KEYS)[number], string>> = {
  wall: 'wall',
  floor: 'floor',
  target: 'target',
  box: 'box',
  box_on_target: 'box on a target',
  player: 'you',
  player_on_target: 'you on a target',
};

/**
 * Legends made, by vocabulary object: the presets' and an env's custom one are made once (a
 * vocabulary is not changed once used).
 */
const legends = new WeakMap<Vocabulary, string>();

/**
 * One line naming each symbol in plain words, e.g. for the default vocabulary
 * `Legend: # wall, _ floor, . target, $ box, * box on a target, @ you, + you on a target.`
 * A blank symbol (Boxoban's space for floor) is written `(space)`.
 */
export function sokobanLegend(vocab: Vocabulary = VOCABULARIES.default): string {
  let out = legends.get(vocab);
  if (out === undefined) {
    out = `Legend: ${VOCABULARY_KEYS.map((k) => `${vocab[k].trim() === '' ? '(space)' : vocab[k]} ${LEGEND_WORDS[k]}`).join(', ')}.`;
    legends.set(vocab, out);
  }
  return out;
}

export interface SokobanBoardOptions {
  /** The symbols; the default vocabulary when absent. */
  vocabulary?: Vocabulary;
  /** Whether the legend line follows the grid (default true). */
  legend?: boolean;
  /** Whether the coordinate listing closes the board (default true). */
  coordinates?: boolean;
}

/**
 * The board as a model reads it: the grid, then (unless turned off) the legend and the coordinate
 * listing, separated by blank lines (so `text.split('\n\n')[0]` is the grid). The env's text
 * observation, the text puzzle family and prompts all use this; same level, same text.
 */
export function sokobanBoard(level: SokobanLevel, options: SokobanBoardOptions = {}): string {
  const vocab = options.vocabulary ?? VOCABULARIES.default;
  let out = sokobanGrid(level, vocab);
  if (options.legend !== false) out += `\n\n${sokobanLegend(vocab)}`;
  if (options.coordinates !== false) out += `\n\n${sokobanCoordinates(level)}`;
  return out;
}
