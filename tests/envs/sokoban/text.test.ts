/**
 * One Sokoban notation wherever a model reads a board: the env's text observation and the `sokoban`
 * text puzzle both come from `sokobanBoard` (ASCII Boxoban symbols, `_` floor, a legend in words,
 * `[row, column]` coordinates), so the same level reads the same in both.
 */
import { describe, expect, it } from 'vitest';
import { make } from '../../../envs/index.js';
import { makeDataset } from '../../../envs/puzzles/index.js';
import {
  parseBoxoban,
  SOKOBAN_COORDINATES_NOTE,
  SOKOBAN_VOCABULARIES,
  sokobanBoard,
  sokobanGrid,
  sokobanLegend,
  toBoxoban,
  type SokobanLevel,
} from '../../../envs/sokoban/index.js';

const LEGEND = 'Legend: # wall, _ floor, . target, $ box, * box on a target, @ you, + you on a target.';
const ASCII = /^[\x20-\x7e\n]*$/;

/** Every cell kind: wall, floor, target, box, box on a target, player on a target (and, moved, player). */
const LEVEL = parseBoxoban(['#######', '#+ $ .#', '# * $ #', '#######'].join('\n'));

/** The puzzle question's board: between the rules and the answer instructions. */
function puzzleBoard(question: string): string {
  const start = question.indexOf('\n\n') + 2;
  return question.slice(start, question.indexOf('\n\nGive all your moves'));
}

describe('Sokoban notation', () => {
  it('writes Boxoban symbols with _ for floor, then the legend, then [row, column] coordinates', () => {
    expect(sokobanGrid(LEVEL)).toBe(['#######', '#+_$_.#', '#_*_$_#', '#######'].join('\n'));
    expect(sokobanLegend()).toBe(LEGEND);
    expect(sokobanBoard(LEVEL)).toBe(
      [
        '#######\n#+_$_.#\n#_*_$_#\n#######',
        LEGEND,
        `${SOKOBAN_COORDINATES_NOTE}\nplayer: [1, 1]\nboxes: [1, 3], [2, 2], [2, 4]\ntargets: [1, 1], [1, 5], [2, 2]\nboxes on target: 1/3`,
      ].join('\n\n'),
    );
    expect(SOKOBAN_COORDINATES_NOTE).toBe('Coordinates are [row, column], 0-based from the top-left.');
    expect(sokobanBoard(LEVEL, { legend: false, coordinates: false })).toBe(sokobanGrid(LEVEL));
    expect(sokobanBoard(LEVEL, { coordinates: false })).toBe(`${sokobanGrid(LEVEL)}\n\n${LEGEND}`);
  });

  it('is the Boxoban text of the level with floor written _', () => {
    const level: SokobanLevel = { ...LEVEL, player: [2, 5] };
    expect(sokobanGrid(level)).toBe(toBoxoban(level).replace(/ /g, '_'));
    expect(sokobanGrid(level, SOKOBAN_VOCABULARIES.boxoban)).toBe(toBoxoban(level));
  });

  it('names a blank symbol in the legend, and every preset legend is ASCII', () => {
    expect(sokobanLegend(SOKOBAN_VOCABULARIES.boxoban)).toBe(LEGEND.replace('_ floor', '(space) floor'));
    expect(sokobanLegend(SOKOBAN_VOCABULARIES.gym)).toBe('Legend: 0 wall, 1 floor, 2 target, 4 box, 3 box on a target, 5 you, 6 you on a target.');
    for (const vocab of Object.values(SOKOBAN_VOCABULARIES)) expect(sokobanBoard(LEVEL, { vocabulary: vocab })).toMatch(ASCII);
  });

  it('gives a pure ASCII observation text, the same for the same seed, through a whole episode', () => {
    for (const id of ['Sokoban-small-v0', 'Sokoban-v2', 'Sokoban-huge-v0']) {
      const a = make(id);
      const b = make(id);
      for (const seed of [0, 5]) {
        const first = a.reset({ seed }).observation.text;
        expect(b.reset({ seed }).observation.text).toBe(first);
        expect(first).toMatch(ASCII);
        const [grid, legend, coordinates] = first.split('\n\n');
        expect(grid).toMatch(/^[#_.$*@+\n]+$/);
        expect(legend).toBe(LEGEND);
        expect(coordinates.split('\n')[0]).toBe(SOKOBAN_COORDINATES_NOTE);
        for (const move of ['up', 'left', 'down', 'right', 'up']) {
          const text = a.step(move).observation.text;
          expect(b.step(move).observation.text).toBe(text);
          expect(text).toMatch(ASCII);
        }
      }
    }
  });

  it('shows the puzzle family and the env the same board for the same level', () => {
    for (const difficulty of [1, 3, 5]) {
      for (const item of makeDataset('sokoban', { size: 4, seed: 11, difficulty })) {
        const question = item.prompt[1].content as string;
        expect(question).toMatch(ASCII);
        const board = puzzleBoard(question);
        const levelText = item.meta.level as string;
        const level = parseBoxoban(levelText);
        expect(board).toBe(sokobanBoard(level, { coordinates: false }));
        // The env playing that very level (meta.level, still Boxoban text) shows the same board.
        const env = make('Sokoban-small-v0', { levels: levelText, text_coordinates: false });
        const observed = env.reset({ seed: 0 }).observation.text;
        expect(observed).toBe(board);
        const withCoordinates = make('Sokoban-small-v0', { levels: levelText }).reset({ seed: 0 }).observation.text;
        expect(withCoordinates.split('\n\n')[0]).toBe(board.split('\n\n')[0]);
        expect(board.split('\n\n')[0]).toBe(levelText.replace(/ /g, '_'));
      }
    }
  });
});
