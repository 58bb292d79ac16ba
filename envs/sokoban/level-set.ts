/**
 * Fixed level sets (the `levels` option): Boxoban text parsed once, levels padded with wall to one
 * common size (the frame size is fixed per env), and each level's solution solved once, on first
 * use, then remembered.
 */
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { BoxobanError, parseBoxoban, parseBoxobanFile, type NamedLevel } from './boxoban.js';
import { isSolved } from './rules.js';
import { simulateSokoban } from './simulate.js';
import { solveSokoban } from './solver.js';
import { WALL, type KnownSolution, type SokobanLevel } from './types.js';

export interface LevelSet {
  names: string[];
  levels: SokobanLevel[];
  rows: number;
  cols: number;
  /**
   * SHA-256 (hex) of the source as given: the file's text (what `sha256sum` prints for a file
   * read as UTF-8), or for a list of levels the JSON text of the list. Replays name the set by it.
   */
  sha256: string;
  /** Solutions by `${index}/${budget}`, filled on demand. */
  solutions: Map<string, KnownSolution | null>;
}

/** Parsed sets by source text: an env's options carry the text, resets look the set up here. */
const cache = new Map<string, LevelSet>();
const CACHE_SIZE = 16;

/** The level set of a `levels` option: a Boxoban file's text, or a list of single levels. */
export function loadLevelSet(source: string | readonly string[]): LevelSet {
  const key = typeof source === 'string' ? source : JSON.stringify(source);
  const hit = cache.get(key);
  if (hit) return hit;
  const named: NamedLevel[] =
    typeof source === 'string'
      ? parseBoxobanFile(source)
      : source.map((text, i) => {
          try {
            return { name: String(i), level: parseBoxoban(text) };
          } catch (e) {
            throw new BoxobanError(`level ${i}: ${(e as Error).message}`);
          }
        });
  for (const { name, level } of named) {
    if (isSolved(level)) throw new BoxobanError(`level "${name}" is already solved: every box is on a goal`);
  }
  // reduce, not Math.max(...): spreading a file of 100k+ levels overflows the call stack.
  const rows = named.reduce((m, n) => Math.max(m, n.level.fixed.length), 0);
  const cols = named.reduce((m, n) => Math.max(m, n.level.fixed[0].length), 0);
  const set: LevelSet = {
    names: named.map((n) => n.name),
    levels: named.map((n) => padLevel(n.level, rows, cols)),
    rows,
    cols,
    sha256: bytesToHex(sha256(utf8ToBytes(key))),
    solutions: new Map(),
  };
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(key, set);
  return set;
}

/** The optimal solution of level `index`, or null when the solver proves none or runs out of budget. */
export function levelSolution(set: LevelSet, index: number, budget: number): KnownSolution | null {
  const key = `${index}/${budget}`;
  if (!set.solutions.has(key)) {
    const level = set.levels[index];
    const solved = solveSokoban(level, { maxStates: budget });
    set.solutions.set(
      key,
      solved.solved
        ? { plan: solved.plan, length: solved.length, return: simulateSokoban(level, solved.plan).finalReturn, optimal: true }
        : null,
    );
  }
  return set.solutions.get(key) ?? null;
}

function padLevel(level: SokobanLevel, rows: number, cols: number): SokobanLevel {
  const fixed = Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => level.fixed[r]?.[c] ?? WALL));
  return { fixed, boxes: level.boxes, player: level.player };
}
