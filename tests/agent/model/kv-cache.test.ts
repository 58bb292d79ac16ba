// The growing KV cache: capacity in whole chunks that follows the filled length, rows re-laid when it
// grows, finished rows compacted in place; and generation on top of it: steps see the filled length
// rounded up to a chunk (few distinct shapes), and a row's tokens and log-probs are bit-identical
// whatever the capacity, maxNewTokens, or the moment other rows are dropped.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EngineSession, type HostTensor } from '../../../agent/engine/index.js';
import { generate, createModel, TinyLMM, type GenerateOptions, CACHE_CHUNK, KVCache, cacheCapacity, initParams } from '../../../agent/model/index.js';
import { microConfig, randomTokens } from './helpers.js';

const ROWS = 3;
const LAYERS = 2;
const HEADS = 2;
const HD = 4;

/** The value a test writes for (layer, k or v, row, head, slot, i): distinct and nonzero. */
const val = (l: number, j: number, r: number, h: number, t: number, i: number) => 1 + ((((l * 2 + j) * 7 + r) * 5 + h) * 1000 + t) * 10 + i;

/** A decode graph's outputs for slots [from, from + count): per layer keys then values, (rows, H, count, hd). */
function slots(from: number, count: number, rows = ROWS, rowIds = [...Array(rows).keys()]): HostTensor[] {
  const out: HostTensor[] = [];
  for (let l = 0; l < LAYERS; l++) {
    for (let j = 0; j < 2; j++) {
      const data = new Float32Array(rows * HEADS * count * HD);
      for (let r = 0; r < rows; r++)
        for (let h = 0; h < HEADS; h++)
          for (let t = 0; t < count; t++) for (let i = 0; i < HD; i++) data[((r * HEADS + h) * count + t) * HD + i] = val(l, j, rowIds[r], h, from + t, i);
      out.push({ dtype: 'float32', dims: [rows, HEADS, count, HD], data });
    }
  }
  return out;
}

/** Checks the feeds hold exactly the written slots of the given original rows, zeros and mask 0 after. */
function expectContents(cache: KVCache, rowIds: number[], masked: (r: number, t: number) => boolean = () => false): void {
  const f = cache.feeds();
  const L = cache.capacity;
  expect(L % CACHE_CHUNK).toBe(0);
  expect(L).toBe(cacheCapacity(cache.length));
  expect(f.cache_mask.dims).toEqual([rowIds.length, L]);
  for (let l = 0; l < LAYERS; l++) {
    for (let j = 0; j < 2; j++) {
      const t = f[`cache.${l}.${j === 0 ? 'k' : 'v'}`];
      expect(t.dims).toEqual([rowIds.length, HEADS, L, HD]);
      expect(t.data.length).toBe(rowIds.length * HEADS * L * HD);
      rowIds.forEach((r, ri) => {
        for (let h = 0; h < HEADS; h++)
          for (let s = 0; s < L; s++)
            for (let i = 0; i < HD; i++) {
              const want = s < cache.length ? val(l, j, r, h, s, i) : 0;
              const got = t.data[((ri * HEADS + h) * L + s) * HD + i];
              if (got !== want) throw new Error(`layer ${l} ${j ? 'v' : 'k'} row ${r} head ${h} slot ${s}: ${got}, expected ${want}`);
            }
      });
    }
  }
  rowIds.forEach((r, ri) => {
    for (let s = 0; s < L; s++) expect(f.cache_mask.data[ri * L + s], `mask row ${r} slot ${s}`).toBe(s < cache.length && !masked(r, s) ? 1n : 0n);
  });
}

describe('KVCache', () => {
  it('grows in whole chunks with the filled length; rows keep their slots when re-laid (in place or not)', () => {
    for (const reserve of [10, 100]) {
      // reserve 10: growing takes new arrays; 100: the arrays fit 128 slots, so growing re-lays in place.
      const cache = KVCache.empty(ROWS, LAYERS, HEADS, HD, 40, reserve);
      expect(cache.capacity).toBe(64);
      const prefillMask = BigInt64Array.from({ length: ROWS * 40 }, (_, i) => (i % 40 < Math.floor(i / 40) ? 0n : 1n)); // row r left-padded by r
      cache.write(slots(0, 40), 40, prefillMask);
      const padded = (r: number, t: number) => t < r;
      expectContents(cache, [0, 1, 2], padded);
      const capacities = new Set<number>();
      for (let t = 40; t < 100; t++) {
        cache.write(slots(t, 1), 1);
        capacities.add(cache.capacity);
        if (t === 63 || t === 64 || t === 99) expectContents(cache, [0, 1, 2], padded);
      }
      expect([...capacities]).toEqual([64, 96, 128]);
      cache.release();
    }
  });

  it('keepRows compacts rows in place; growing afterwards keeps the kept rows only', () => {
    const cache = KVCache.empty(ROWS, LAYERS, HEADS, HD, 30, 70);
    cache.write(slots(0, 30), 30);
    cache.write(slots(30, 1), 1);
    cache.keepRows([1, 2]);
    expect(cache.rows).toBe(2);
    expectContents(cache, [1, 2]);
    cache.write(slots(31, 1, 2, [1, 2]), 1);
    cache.write(slots(32, 1, 2, [1, 2]), 1); // 33 slots: grows to 64
    expect(cache.capacity).toBe(64);
    expectContents(cache, [1, 2]);
    cache.keepRows([1]);
    expectContents(cache, [2]);
    expect(() => cache.keepRows([1])).toThrow(/ascending and under 1/);
    cache.release();
    expect(() => cache.feeds()).toThrow(/after release/);
  });

  it('arrays from the pool come back cleared: no slot of an earlier cache leaks into a new one', () => {
    const a = KVCache.empty(ROWS, LAYERS, HEADS, HD, 64);
    a.write(slots(0, 64), 64);
    a.release();
    const b = KVCache.empty(ROWS, LAYERS, HEADS, HD, 20, 64);
    b.write(slots(0, 20), 20);
    expectContents(b, [0, 1, 2]);
    b.release();
  });
});

/** Records the (rows, cache slots) of every step run from now on. */
function watchSteps() {
  const shapes: Array<[number, number]> = [];
  const run = EngineSession.prototype.run;
  vi.spyOn(EngineSession.prototype, 'run').mockImplementation(function (this: EngineSession, feeds, fetch) {
    const m = feeds.cache_mask;
    if (m) shapes.push([m.dims[0], m.dims[1]]);
    return run.call(this, feeds, fetch);
  });
  return shapes;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('generation on the growing cache', () => {
  it('each step reads the filled length rounded up to a chunk, not prompt + maxNewTokens', async () => {
    const c = microConfig({ maxSeqLen: 160 });
    const model = new TinyLMM('tiny', c, initParams(c, 4), 0, {}, { threads: 1 });
    const inputIds = [randomTokens('g1', 50), randomTokens('g2', 41)];
    const shapes = watchSteps();
    await generate(model, { inputIds, maxNewTokens: 100, temperature: 1, seed: 3, stopTokens: [] });
    // Step s (s = 1..99) sees the prompt's 50 slots plus the s - 1 tokens fed back before it.
    expect(shapes).toHaveLength(99);
    shapes.forEach(([rows, L], s) => {
      expect(rows).toBe(2);
      expect(L).toBe(cacheCapacity(50 + s));
    });
    expect(new Set(shapes.map((x) => x[1]))).toEqual(new Set([64, 96, 128, 160]));
    await model.dispose();
  });

  it('a row is bit-identical whatever maxNewTokens (and so the capacity) is', async () => {
    const model = createModel('tiny', { seed: 6, threads: 1 });
    const prompts = ['first prompt', 'a second, longer prompt that pads the first', 'x'];
    for (const bakeWeights of [false, true]) {
      const opts: GenerateOptions = { prompts, temperature: 1, seed: 9, stopTokens: [], bakeWeights };
      // 45 tokens cross two chunk boundaries; prompt + maxNewTokens - 1 is off the 8-slot grid for both.
      const short = await generate(model, { ...opts, maxNewTokens: 20 });
      const long = await generate(model, { ...opts, maxNewTokens: 45 });
      short.forEach((g, b) => {
        expect(long[b].tokens.slice(0, 20)).toEqual(g.tokens);
        expect(long[b].logprobs.slice(0, 20)).toEqual(g.logprobs); // exact, not within a tolerance
      });
    }
    await model.dispose();
  });

  it('finished rows are dropped before half are done, and the others stay bit-identical (a lone row too)', async () => {
    const model = createModel('tiny', { seed: 8, threads: 2 });
    const inputIds = Array.from({ length: 12 }, (_, b) => randomTokens(`d${b}`, 20 + b));
    for (const bakeWeights of [false, true]) {
      const opts: GenerateOptions = { inputIds, temperature: 1, seed: 4, maxNewTokens: 36, bakeWeights };
      const ref = await generate(model, { ...opts, stopTokens: [] });
      // Row b stops at (the first occurrence of) its token number 3b: rows finish one after another,
      // and row 11 generates alone at the end.
      const stops = ref.map((g, b) => [g.tokens[Math.min(3 * b, 35)]]);
      const shapes = watchSteps();
      const got = await generate(model, { ...opts, stopTokens: stops });
      vi.restoreAllMocks();
      got.forEach((g, b) => {
        const end = ref[b].tokens.indexOf(stops[b][0]) + 1;
        expect(g.tokens).toEqual(ref[b].tokens.slice(0, end));
        expect(g.logprobs).toEqual(ref[b].logprobs.slice(0, end));
      });
      const rows = shapes.map((x) => x[0]);
      expect(rows[0]).toBe(12);
      expect(Math.min(...rows)).toBe(2); // never fewer than two rows
      // Rows went before half of them had finished (the former rule waited for 6 of 12).
      expect(rows.some((r) => r > 6 && r < 12)).toBe(true);
    }
    await model.dispose();
  });
});
