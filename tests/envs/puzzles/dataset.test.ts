import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDataset, PUZZLE_FAMILIES, SYSTEM_PROMPT } from '../../../envs/puzzles/index.js';

describe('makeDataset', () => {
  it('offers the six families', () => {
    expect(PUZZLE_FAMILIES).toEqual(['arithmetic', 'countdown', 'linear', 'sequence', 'knights', 'sokoban']);
  });

  it.each(PUZZLE_FAMILIES.map((f) => [f]))('%s: same arguments, same items and text', (family) => {
    const a = makeDataset(family, { size: 30, seed: 42 });
    const b = makeDataset(family, { size: 30, seed: 42 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    // Items do not depend on the dataset size, and other seeds give other items.
    expect(JSON.stringify(makeDataset(family, { size: 10, seed: 42 }))).toBe(JSON.stringify(a.slice(0, 10)));
    const c = makeDataset(family, { size: 30, seed: 43 });
    const same = a.filter((x, i) => JSON.stringify(x.prompt) === JSON.stringify(c[i].prompt)).length;
    expect(same).toBeLessThan(5);
  });

  it('cycles difficulties, has unique ids and the think/answer system prompt', () => {
    const items = makeDataset('arithmetic', { size: 10, seed: 1 });
    expect(items.map((x) => x.difficulty)).toEqual([1, 2, 3, 4, 5, 1, 2, 3, 4, 5]);
    expect(makeDataset('linear', { size: 4, difficulty: [2, 4] }).map((x) => x.difficulty)).toEqual([2, 4, 2, 4]);
    expect(new Set(items.map((x) => x.id)).size).toBe(10);
    for (const item of items) {
      expect(item.prompt[0]).toEqual({ role: 'system', content: SYSTEM_PROMPT });
      expect(item.prompt[1].role).toBe('user');
      expect(SYSTEM_PROMPT).toMatch(/<think>.*<answer>/);
    }
  });

  it('rejects bad arguments with clear errors', () => {
    expect(() => makeDataset('chess')).toThrow(/unknown puzzle family "chess"/);
    expect(() => makeDataset('arithmetic', { size: -1 })).toThrow(/size/);
    expect(() => makeDataset('arithmetic', { difficulty: [] })).toThrow(/difficulty/);
    for (const difficulty of [0, 6, 2.5, NaN, [1, 9]]) {
      expect(() => makeDataset('arithmetic', { size: 2, difficulty }), String(difficulty)).toThrow(/difficulty must be one of 1, 2, 3, 4, 5/);
    }
    expect(() => makeDataset('arithmetic', { size: 1, seed: 1.5 })).toThrow(/seed must be an integer, got 1.5/);
  });

  it('is browser-safe: no Node imports outside jsonl-file.ts', () => {
    const root = join(import.meta.dirname, '../../../envs/puzzles');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts')) files.push(p);
      }
    };
    walk(root);
    for (const f of files) {
      if (f.endsWith('jsonl-file.ts')) continue;
      expect(readFileSync(f, 'utf8'), f).not.toMatch(/from ['"](node:|fs|path|os|child_process)/);
    }
    expect(readFileSync(join(root, 'index.ts'), 'utf8')).not.toMatch(/from '.\/jsonl-file/);
  });
});
