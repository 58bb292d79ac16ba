/**
 * The text view: the room as a character grid in a configurable vocabulary, then a listing of
 * coordinates (`[row, col]`, 0-based from the top left, as in the JSON state), since language
 * models count grid columns poorly.
 *
 * Default vocabulary: `#` wall, `_` floor, `O` target, `X` box,
 * `√` box on target, `P` player, `S` player on target. Presets: `default`, `boxoban`
 * (`#`, space, `.`, `$`, `*`, `@`, `+`), `gym` (gym-sokoban's codes 0-5, player on target 6).
 */
import { TARGET, WALL, type SokobanLevel } from './types.js';

export interface Vocabulary {
  wall: string;
  floor: string;
  target: string;
  box: string;
  box_on_target: string;
  player: string;
  player_on_target: string;
}

export const VOCABULARY_KEYS = ['wall', 'floor', 'target', 'box', 'box_on_target', 'player', 'player_on_target'] as const;

export const VOCABULARIES: Readonly<Record<'default' | 'boxoban' | 'gym', Vocabulary>> = {
  default: { wall: '#', floor: '_', target: 'O', box: 'X', box_on_target: '√', player: 'P', player_on_target: 'S' },
  boxoban: { wall: '#', floor: ' ', target: '.', box: '$', box_on_target: '*', player: '@', player_on_target: '+' },
  gym: { wall: '0', floor: '1', target: '2', box: '4', box_on_target: '3', player: '5', player_on_target: '6' },
};

/** The grid alone, one line a row. */
export function sokobanGrid(level: SokobanLevel, vocab: Vocabulary = VOCABULARIES.default): string {
  const rows = level.fixed.map((row) => row.map((v) => (v === WALL ? vocab.wall : v === TARGET ? vocab.target : vocab.floor)));
  for (const [r, c] of level.boxes) rows[r][c] = level.fixed[r][c] === TARGET ? vocab.box_on_target : vocab.box;
  const [pr, pc] = level.player;
  rows[pr][pc] = level.fixed[pr][pc] === TARGET ? vocab.player_on_target : vocab.player;
  return rows.map((row) => row.join('')).join('\n');
}

const cell = ([r, c]: readonly [number, number]) => `[${r}, ${c}]`;

/** Positions of player, boxes and targets, and the count of boxes on targets. */
export function sokobanCoordinates(level: SokobanLevel): string {
  const targets: [number, number][] = [];
  level.fixed.forEach((row, r) => row.forEach((v, c) => v === TARGET && targets.push([r, c])));
  const onTarget = level.boxes.filter(([r, c]) => level.fixed[r][c] === TARGET).length;
  return [
    `player: ${cell(level.player)}`,
    `boxes: ${level.boxes.map(cell).join(', ')}`,
    `targets: ${targets.map(cell).join(', ')}`,
    `boxes on target: ${onTarget}/${level.boxes.length}`,
  ].join('\n');
}

/** The text observation: grid, then (unless turned off) the coordinate listing. */
export function sokobanText(level: SokobanLevel, vocab: Vocabulary, coordinates: boolean): string {
  const grid = sokobanGrid(level, vocab);
  return coordinates ? `${grid}\n\n${sokobanCoordinates(level)}` : grid;
}

/** One line naming each symbol, for prompts. */
export function sokobanLegend(vocab: Vocabulary = VOCABULARIES.default): string {
  return VOCABULARY_KEYS.map((k) => `${JSON.stringify(vocab[k])} ${k.replace(/_/g, ' ')}`).join(', ');
}
