// The decoding cache, held in JS and bound to every step without copying: per layer keys and values
// (rows, H, L, hd) with a capacity of L slots, and a mask (rows, L) of the slots holding real tokens.
// The prefill fills the first T slots; each step writes one more. Finished rows can be dropped
// (`keepRows`) so that a batch with a few long answers stops paying for the short ones.
//
// The capacity grows with the filled length, in whole chunks of CACHE_CHUNK slots: a step reads (and
// its attention runs over) the filled length rounded up to a chunk, not the prompt plus every token
// it might still generate, and the step graph sees few distinct shapes (ORT keeps some state per
// input shape). Growing re-lays the rows at the new stride, once every CACHE_CHUNK steps.
//
// Slots past the filled length are zero with mask 0: their scores get -1e9, so their probability is
// exactly zero, and a capacity that is a multiple of 32 gives bit-identical results for any number of
// such slots. (Measured: ORT's step results do change in the last bits with the capacity modulo 8 or
// 16, so capacities off that grid, as prompt + maxNewTokens - 1 was, made a row's log-probs depend on
// maxNewTokens and on its neighbours' prompt lengths.)
//
// The arrays come from a small pool and go back to it on `release()`: fresh memory costs a page
// fault per 4 KiB on first touch (measured here: 13 ms to allocate and fill 8.6 MB, against 0.6 ms
// to refill a used array), which for a batch-64 cache was a tenth of a whole generation.
import type { HostTensor } from './ops.js';

/** Capacity granularity in slots: capacities are multiples of it. */
export const CACHE_CHUNK = 32;

/** The capacity that holds `slots` slots: a whole number of chunks (at least one). */
export const cacheCapacity = (slots: number): number => Math.max(1, Math.ceil(slots / CACHE_CHUNK)) * CACHE_CHUNK;

/** Most bytes the pool keeps between generations (the oldest arrays beyond it are let go). */
const POOL_BYTES = 512 * 2 ** 20;

/** Used arrays kept for reuse, newest last. Shared by every cache; each array has one owner at a time. */
class ArrayPool<T extends Float32Array | BigInt64Array> {
  private free: T[] = [];
  private bytes = 0;

  constructor(private readonly make: (n: number) => T) {}

  /** An array of at least `n` elements (contents arbitrary): the smallest pooled one that fits, or a new one. */
  take(n: number): T {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) if (this.free[i].length >= n && (best < 0 || this.free[i].length < this.free[best].length)) best = i;
    if (best < 0) return this.make(n);
    const [a] = this.free.splice(best, 1);
    this.bytes -= a.byteLength;
    return a;
  }

  give(a: T): void {
    if (a.byteLength > POOL_BYTES) return;
    this.free.push(a);
    this.bytes += a.byteLength;
    while (this.bytes > POOL_BYTES) this.bytes -= this.free.shift()!.byteLength;
  }

  /** Bytes held for reuse now. */
  get held(): number {
    return this.bytes;
  }
}

const floatPool = new ArrayPool<Float32Array>((n) => new Float32Array(n));
const maskPool = new ArrayPool<BigInt64Array>((n) => new BigInt64Array(n));

/** Bytes of cache arrays pooled for reuse (bounded by POOL_BYTES per kind). */
export const pooledCacheBytes = (): number => floatPool.held + maskPool.held;

export class KVCache {
  private released = false;
  /** Whether slots [length, capacity) are known to be zero (a fresh layout over pooled arrays is not). */
  private cleared = false;

  private constructor(
    /** Rows in use: the first `rows` of the arrays (dropping rows compacts them in place). */
    public rows: number,
    readonly layers: number,
    readonly heads: number,
    readonly headSize: number,
    /** Slots per row as laid out now (the `cache` dim of the feeds): a multiple of CACHE_CHUNK. */
    public capacity: number,
    private k: Float32Array[],
    private v: Float32Array[],
    private mask: BigInt64Array,
    /** Slots filled so far (the same for every row: rows are left-padded). */
    public length: number,
  ) {}

  /**
   * An empty cache laid out for `slots` slots (rounded up to whole chunks), growing on demand.
   * `reserve` (at least `slots`) sizes the arrays, so that growing up to it re-lays rows in place.
   */
  static empty(rows: number, layers: number, heads: number, headSize: number, slots = CACHE_CHUNK, reserve = slots): KVCache {
    const capacity = cacheCapacity(slots);
    const room = Math.max(capacity, cacheCapacity(reserve));
    const size = rows * heads * room * headSize;
    const take = () => Array.from({ length: layers }, () => floatPool.take(size));
    // Not cleared yet: the first write clears only what it leaves unfilled (a prefill fills most).
    return new KVCache(rows, layers, heads, headSize, capacity, take(), take(), maskPool.take(rows * room), 0);
  }

  /** Zeroes slots [length, capacity) of every row (keys, values, mask): the invariant for unfilled slots. */
  private clearTail(): void {
    const { rows, heads, headSize: hd, capacity: L, length } = this;
    if (length < L) {
      for (const a of [...this.k, ...this.v]) for (let r = 0; r < rows * heads; r++) a.fill(0, (r * L + length) * hd, (r + 1) * L * hd);
      for (let r = 0; r < rows; r++) this.mask.fill(0n, r * L + length, (r + 1) * L);
    }
    this.cleared = true;
  }

  /** Makes room for `slots` filled slots: a larger capacity (whole chunks) re-lays every row. */
  reserve(slots: number): void {
    this.live();
    if (slots <= this.capacity) return;
    const { rows, heads, headSize: hd, length } = this;
    const from = this.capacity;
    const to = cacheCapacity(slots);
    // Each of `segs` runs of `w` values a slot moves from offset s * from * w to s * to * w.
    const relay = <T extends Float32Array | BigInt64Array>(a: T, pool: ArrayPool<T>, segs: number, w: number): T => {
      if (a.length >= segs * to * w) {
        // In place, last run first: each moves to a higher offset, over runs already moved.
        for (let s = segs - 1; s > 0; s--) a.copyWithin(s * to * w, s * from * w, (s * from + length) * w);
        return a;
      }
      const b = pool.take(segs * to * w);
      for (let s = 0; s < segs; s++) (b as Float32Array).set((a as Float32Array).subarray(s * from * w, (s * from + length) * w), s * to * w);
      pool.give(a);
      return b;
    };
    this.k = this.k.map((a) => relay(a, floatPool, rows * heads, hd));
    this.v = this.v.map((a) => relay(a, floatPool, rows * heads, hd));
    this.mask = relay(this.mask, maskPool, rows, 1);
    this.capacity = to;
    this.cleared = false; // the tails hold what was there before the move
  }

  /**
   * Copies `count` slots of (rows, H, count, hd) tensors into slots [length, length + count):
   * `kv` holds layer 0's keys, layer 0's values, layer 1's keys, ... (a decode graph's output order).
   * `fromRow[r]` is the source row of cache row r (a prefill of distinct prompts only), by default r;
   * `mask` is then indexed by source row too.
   */
  write(kv: readonly HostTensor[], count: number, mask?: BigInt64Array, fromRow?: readonly number[]): void {
    this.reserve(this.length + count);
    const { rows, heads, headSize: hd, capacity: L, length } = this;
    const n = count * hd; // values per (row, head)
    const src0 = (r: number): number => (fromRow ? fromRow[r] : r);
    for (let l = 0; l < this.layers; l++) {
      for (let j = 0; j < 2; j++) {
        const src = kv[2 * l + j].data as Float32Array;
        const dst = j === 0 ? this.k[l] : this.v[l];
        if (fromRow) {
          for (let r = 0; r < rows; r++) {
            const s = src0(r) * heads * n;
            for (let h = 0; h < heads; h++) dst.set(src.subarray(s + h * n, s + (h + 1) * n), ((r * heads + h) * L + length) * hd);
          }
        } else if (n >= 256) {
          for (let r = 0; r < rows * heads; r++) dst.set(src.subarray(r * n, (r + 1) * n), (r * L + length) * hd);
        } else {
          // A step's few values per row: a plain loop, no subarray view per row.
          for (let r = 0; r < rows * heads; r++) {
            const s = r * n;
            const d = (r * L + length) * hd;
            for (let i = 0; i < n; i++) dst[d + i] = src[s + i];
          }
        }
      }
    }
    for (let r = 0; r < rows; r++) {
      for (let t = 0; t < count; t++) this.mask[r * L + length + t] = mask ? mask[src0(r) * count + t] : 1n;
    }
    this.length += count;
    if (!this.cleared) this.clearTail();
  }

  /** Feeds for a step graph: cache.<layer>.k|v and cache_mask (views, not copies), `capacity` slots. */
  feeds(): Record<string, HostTensor> {
    this.live();
    if (!this.cleared) this.clearTail();
    const { rows, heads, headSize: hd, capacity: L } = this;
    const dims = [rows, heads, L, hd];
    const size = rows * heads * L * hd;
    const f: Record<string, HostTensor> = { cache_mask: { dtype: 'int64', dims: [rows, L], data: this.mask.subarray(0, rows * L) } };
    for (let l = 0; l < this.layers; l++) {
      f[`cache.${l}.k`] = { dtype: 'float32', dims, data: this.k[l].subarray(0, size) };
      f[`cache.${l}.v`] = { dtype: 'float32', dims, data: this.v[l].subarray(0, size) };
    }
    return f;
  }

  /**
   * Keeps only the given rows, in that order (ascending, as generation drops rows), compacted in
   * place: rows move down over dropped ones, and the arrays' tails go unused.
   */
  keepRows(keep: readonly number[]): this {
    this.live();
    const L = this.capacity;
    const per = this.heads * L * this.headSize;
    keep.forEach((r, i) => {
      if (r >= this.rows || (i > 0 && r <= keep[i - 1])) throw new Error(`keepRows: rows must be ascending and under ${this.rows}, got ${keep.join(',')}`);
      if (r === i) return;
      for (let l = 0; l < this.layers; l++) {
        this.k[l].copyWithin(i * per, r * per, (r + 1) * per);
        this.v[l].copyWithin(i * per, r * per, (r + 1) * per);
      }
      this.mask.copyWithin(i * L, r * L, (r + 1) * L);
    });
    this.rows = keep.length;
    return this;
  }

  /** Returns the arrays to the pool; the cache (and any feeds it gave) must not be used afterwards. */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const a of [...this.k, ...this.v]) floatPool.give(a);
    maskPool.give(this.mask);
    this.k = [];
    this.v = [];
    this.mask = new BigInt64Array(0);
  }

  private live(): void {
    if (this.released) throw new Error('KVCache used after release()');
  }
}
