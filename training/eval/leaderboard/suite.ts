/**
 * Benchmark suites: fixed seed splits per env, stored as JSON in assets/benchmarks/. A suite's
 * identity is the SHA-256 of its bytes (printed in every report), so two reports compare only when
 * they name the same hash. `--levels FILE` adds a Boxoban entry: one global-protocol episode per
 * level of the user's file, each replay carrying only its own level.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBoxobanFile, toBoxoban } from '../../../envs/sokoban/index.js';
import type { JsonObject } from '../../../envs/core/types.js';

export interface SuiteEntry {
  /** Unique within the suite; names files, so [a-z0-9-] only. */
  id: string;
  env_id: string;
  options: JsonObject;
  seeds: number[];
}

export interface Suite {
  name: string;
  description: string;
  entries: SuiteEntry[];
  /** First 16 hex digits of SHA-256 over the suite file (and the levels file, when given). */
  hash: string;
}

export const BENCHMARK_DIR = 'assets/benchmarks';
const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

function fail(where: string, message: string): never {
  throw new Error(`suite ${where}: ${message}`);
}

/** Checks a parsed suite file; errors name the entry and field at fault. */
export function parseSuite(text: string, where: string): Omit<Suite, 'hash'> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    fail(where, `not JSON (${(e as Error).message})`);
  }
  const obj = raw as { name?: unknown; description?: unknown; entries?: unknown };
  if (typeof obj !== 'object' || obj === null) fail(where, 'expected an object');
  if (typeof obj.name !== 'string' || !obj.name) fail(where, 'name must be a non-empty string');
  if (!Array.isArray(obj.entries) || obj.entries.length === 0) fail(where, 'entries must be a non-empty list');
  const seen = new Set<string>();
  const entries = obj.entries.map((e: unknown, i: number): SuiteEntry => {
    const at = `entries[${i}]`;
    const x = e as Partial<SuiteEntry>;
    if (typeof x !== 'object' || x === null) fail(where, `${at} must be an object`);
    if (typeof x.id !== 'string' || !ID.test(x.id)) fail(where, `${at}.id must match ${ID}, got ${JSON.stringify(x.id)}`);
    if (seen.has(x.id)) fail(where, `${at}.id "${x.id}" is used twice`);
    seen.add(x.id);
    if (typeof x.env_id !== 'string' || !x.env_id) fail(where, `${at}.env_id must be a non-empty string`);
    if (typeof x.options !== 'object' || x.options === null || Array.isArray(x.options)) fail(where, `${at}.options must be an object`);
    if (!Array.isArray(x.seeds) || x.seeds.length === 0 || !x.seeds.every((s) => Number.isSafeInteger(s))) {
      fail(where, `${at}.seeds must be a non-empty list of integers`);
    }
    if (new Set(x.seeds).size !== x.seeds.length) fail(where, `${at}.seeds has a seed twice`);
    return { id: x.id, env_id: x.env_id, options: x.options, seeds: x.seeds };
  });
  return { name: obj.name, description: typeof obj.description === 'string' ? obj.description : '', entries };
}

const sha = (parts: readonly string[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 16);
};

/** A named suite from assets/benchmarks/, plus a Boxoban entry from `levelsFile` when given. */
export function loadSuite(name: string, levelsFile?: string, dir = BENCHMARK_DIR): Suite {
  if (!/^[a-z0-9-]+$/.test(name)) fail(name, 'a suite name is [a-z0-9-] (a file in assets/benchmarks/)');
  const path = join(dir, `${name}.json`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    fail(name, `no file ${path}`);
  }
  const suite = parseSuite(text, path);
  const hashed = [text];
  if (levelsFile) {
    const levels = readFileSync(levelsFile, 'utf8');
    hashed.push(levels);
    suite.entries.push(boxobanEntry(levels, levelsFile));
  }
  return { ...suite, hash: sha(hashed) };
}

/** One episode per level of a Boxoban file: level i is played with seed i. */
export function boxobanEntry(text: string, where: string): SuiteEntry & { levels: string[] } {
  let named;
  try {
    named = parseBoxobanFile(text);
  } catch (e) {
    throw new Error(`--levels ${where}: ${(e as Error).message}`);
  }
  if (named.length === 0) throw new Error(`--levels ${where}: no levels found (Boxoban text: levels under "; N" header lines)`);
  const levels = named.map((n) => toBoxoban(n.level));
  return { id: 'boxoban', env_id: 'Sokoban-v1', options: { protocol: 'global' }, seeds: levels.map((_, i) => i), levels };
}

/** The env options of one episode (a Boxoban entry puts that episode's level in them). */
export function episodeOptions(entry: SuiteEntry & { levels?: string[] }, seed: number): JsonObject {
  if (!entry.levels) return entry.options;
  return { ...entry.options, levels: [entry.levels[seed]], level_index: 0 };
}
