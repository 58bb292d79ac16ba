/** The one key map of the terminal and the viewer, and the rounding of human output. */
import { describe, expect, it } from 'vitest';
import { actionForKey, formatNumber, formatPlan, humanJson, keyBindings, keyHelp, make } from '../../../envs/index.js';

const names = (id: string, options = {}): string[] => {
  const space = make(id, options).spaces.action;
  return space.type === 'discrete' ? [...(space.names ?? [])] : [];
};

describe('key map', () => {
  it('Sokoban: arrows and WASD push, IJKL walk (9 actions), space waits', () => {
    const b = keyBindings(names('Sokoban-small-v0', { num_actions: 9 }));
    const play = (k: string) => b[actionForKey(b, k)!].name;
    expect(['ArrowUp', 'w', 'ArrowLeft', 'a', 's', 'd', ' '].map(play)).toEqual(['up', 'up', 'left', 'left', 'down', 'right', 'noop']);
    expect(['i', 'j', 'k', 'l'].map(play)).toEqual(['move up', 'move left', 'move down', 'move right']);
    expect(keyHelp(b)).toContain('Up/w up');
  });

  it('Football: every one of the 19 actions has its own key, mnemonic where it can be', () => {
    const n = names('Football-3v1-keeper-v0');
    expect(n).toHaveLength(19);
    const b = keyBindings(n);
    const keys = b.flatMap((x) => x.keys);
    expect(new Set(keys).size).toBe(keys.length);
    expect(b.every((x) => x.keys.length > 0)).toBe(true);
    const play = (k: string) => b[actionForKey(b, k)!].name;
    expect(['s', 'p', 'l', 'h', 'f', 'F', 'd', 'D', 'ArrowUp', 'y'].map(play)).toEqual(['shot', 'short_pass', 'long_pass', 'high_pass', 'sprint', 'release_sprint', 'dribble', 'release_dribble', 'top', 'top_left']);
    // r and q stay free for the terminal's restart and quit.
    expect(keys).not.toContain('r');
    expect(keys).not.toContain('q');
  });

  it('unknown action names get spare keys, never r or q', () => {
    const b = keyBindings(['jump', 'duck', 'up']);
    expect(b.map((x) => x.keys[0])).toEqual(['1', '2', 'ArrowUp']);
  });
});

describe('human output', () => {
  it('rounds floats, keeps integers, capitalises plans', () => {
    expect(formatNumber(53.40288533333333)).toBe('53.4');
    expect(formatNumber(10.200000000000001)).toBe('10.2');
    expect(formatNumber(100)).toBe('100');
    expect(humanJson({ optimal_return: 10.200000000000001, n: 3 })).toBe('{"optimal_return":10.2,"n":3}');
    expect(formatPlan(['down', 'left', 'up'])).toBe('Down, Left, Up');
  });
});
