/** Boxoban text: round trips, errors that name the line, level files as fixed level sets. */
import { expectLinearGrowth } from '../../support/growth.js';
import { describe, expect, it } from 'vitest';
import { makeRng } from '../../../envs/core/rng.js';
import { checkEnv, make } from '../../../envs/index.js';
import {
  BoxobanError,
  generateLevel,
  parseBoxoban,
  parseBoxobanFile,
  toBoxoban,
  type SokobanState,
} from '../../../envs/sokoban/index.js';

/** Two levels in Boxoban's file layout (a `; N` header, the rows, a blank line). */
const FILE = [
  '; 0',
  '##########',
  '#@       #',
  '#  $  .  #',
  '#        #',
  '#  $$ .. #',
  '#        #',
  '#  .  $  #',
  '##########',
  '',
  '; 1',
  '#######',
  '#+ $  #',
  '#     #',
  '#######',
  '',
].join('\n');

describe('parseBoxoban / toBoxoban', () => {
  it('round-trips generated levels', () => {
    const rng = makeRng('boxoban');
    for (let i = 0; i < 50; i++) {
      const { level } = generateLevel(rng, { rows: 10, cols: 10, boxes: 4, minLength: 1, maxLength: 10_000 });
      const text = toBoxoban(level);
      const back = parseBoxoban(text);
      expect(back.fixed).toEqual(level.fixed);
      expect(back.player).toEqual(level.player);
      expect([...back.boxes].sort()).toEqual([...level.boxes].sort());
      expect(toBoxoban(back)).toBe(text);
    }
  });

  it('reads every symbol', () => {
    const level = parseBoxoban(['#####', '#+$ #', '# *$#', '#.  #', '#####'].join('\n'));
    expect(level.player).toEqual([1, 1]);
    expect(level.boxes).toEqual([
      [1, 2],
      [2, 2],
      [2, 3],
    ]);
    expect(level.fixed[1][1]).toBe(2);
    expect(level.fixed[2][2]).toBe(2);
    expect(level.fixed[3][1]).toBe(2);
    expect(level.fixed[2][1]).toBe(1);
  });

  it('round-trips a room without a wall border (floor at the row ends)', () => {
    const open = parseBoxoban(['@$.--', '-----'].join('\n'));
    expect(open.fixed).toEqual([[1, 1, 2, 1, 1], [1, 1, 1, 1, 1]]);
    expect(toBoxoban(open)).toBe(['@$.--', '-----'].join('\n'));
    expect(parseBoxoban(toBoxoban(open))).toEqual(open);
  });

  it('pads ragged rows with wall', () => {
    const level = parseBoxoban(['#####', '#@$.#', '###'].join('\n'));
    expect(level.fixed[2]).toEqual([0, 0, 0, 0, 0]);
  });

  it('names the line and column of a bad character', () => {
    expect(() => parseBoxoban('#####\n#@$x#\n#####')).toThrow(/line 2, column 4: unknown character "x"/);
  });

  it('rejects levels without exactly one player, or with boxes and goals unequal', () => {
    expect(() => parseBoxoban('#####\n# $.#\n#####')).toThrow(/exactly one player/);
    expect(() => parseBoxoban('#####\n#@@$.#\n#####')).toThrow(/found 2/);
    expect(() => parseBoxoban('#####\n#@$$.#\n#####')).toThrow(/2 boxes but 1 goal$/);
    expect(() => parseBoxoban('\n  \n')).toThrow(BoxobanError);
  });

  it('refuses levels over 64 cells a side, and reads long space runs in linear time', () => {
    expect(() => parseBoxoban(`#@$.${'#'.repeat(61)}`)).toThrow(/1x65 cells, over the 64x64/);
    expect(() => parseBoxoban(Array(300_000).fill('#').join('\n'))).toThrow(/300000x1 cells/);
    // /\s+$/ took seconds on this (quadratic); trimEnd is linear.
    expect(() => parseBoxoban(`#@$.${' '.repeat(200_000)}#`)).toThrow(/over the 64x64/);
    expectLinearGrowth((n) => expect(() => parseBoxoban(`#@$.${' '.repeat(n)}#`)).toThrow(), 3_125, 'space runs');
  });
});

describe('level files', () => {
  it('splits a file on its header lines', () => {
    const levels = parseBoxobanFile(FILE);
    expect(levels.map((l) => l.name)).toEqual(['0', '1']);
    expect(levels[0].level.boxes.length).toBe(4);
    expect(levels[1].level.fixed.length).toBe(4);
  });

  it('reports errors with the line number in the file', () => {
    const bad = FILE.replace('#+ $  #', '#+ $? #');
    expect(() => parseBoxobanFile(bad)).toThrow(/line 13, column 5/);
  });

  it('plays a file as a fixed level set, padding smaller levels to the common size', () => {
    const env = make('Sokoban-v1', { levels: FILE, level_index: 1 });
    expect(env.options.width).toBe(10);
    expect(env.options.height).toBe(8);
    const { observation, info } = env.reset({ seed: 0 });
    expect(info.level_index).toBe(1);
    expect(info.optimal_solution_length).toBe(7);
    expect(observation.image.width).toBe(160);
    expect(observation.text.split('\n')[1]).toBe('#+_$__####');
    const state = (env as unknown as { currentState(): SokobanState }).currentState();
    let r;
    for (const move of state.solution!.plan) r = env.step(move);
    expect(r!.terminated).toBe(true);
    expect(r!.info.score).toBe(100);
  });

  it('passes checkEnv with a level set', () => {
    checkEnv(make('Sokoban-v0', { levels: FILE, protocol: 'global', text_vocabulary: 'gym' }));
  });

  it('draws levels at random from a set, and accepts a list of single levels', () => {
    const env = make('Sokoban-v0', { levels: FILE });
    const seen = new Set<number>();
    for (let seed = 0; seed < 20; seed++) seen.add(env.reset({ seed }).info.level_index as number);
    expect(seen).toEqual(new Set([0, 1]));
    const list = make('Sokoban-v0', { levels: ['#####\n#@$.#\n#####'] });
    expect(list.reset({ seed: 1 }).info.optimal_solution_length).toBe(1);
  });

  it('turns a malformed level set into an option error naming the line', () => {
    expect(() => make('Sokoban-v0', { levels: '; 0\n####\n#@x#\n####' })).toThrow(/option levels: line 3, column 3/);
    expect(() => make('Sokoban-v0', { levels: '; 0\n#####\n#@*..#\n#####' })).toThrow(/option levels: lines 2-4: 1 box but 3 goals/);
    expect(() => make('Sokoban-v0', { levels: '####\n#@*#\n####' })).toThrow(/already solved/);
    expect(() => make('Sokoban-v0', { levels: FILE, level_index: 2 })).toThrow(/level_index/);
    expect(() => make('Sokoban-v0', { levels: `#@$.${'#'.repeat(100)}` })).toThrow(/option levels: line 1: level is 1x104 cells/);
  });
});
