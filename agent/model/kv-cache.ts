// The decoding cache, held in JS and bound to every step without copying: per layer keys and values
// (rows, H, L, hd) with a fixed capacity of L slots, and a mask (rows, L) of the slots holding real
// tokens. The prefill fills the first T slots; each step writes one more. Finished rows can be
// dropped (`keepRows`) so that a batch with a few long answers stops paying for the short ones.
import type { HostTensor } from './ops.js';

export class KVCache {
  private constructor(
    readonly rows: number,
    readonly layers: number,
    readonly heads: number,
    readonly headSize: number,
    readonly capacity: number,
    readonly k: Float32Array[],
    readonly v: Float32Array[],
    readonly mask: BigInt64Array,
    /** Slots filled so far (the same for every row: rows are left-padded). */
    public length: number,
  ) {}

  static empty(rows: number, layers: number, heads: number, headSize: number, capacity: number): KVCache {
    const size = rows * heads * capacity * headSize;
    const make = () => Array.from({ length: layers }, () => new Float32Array(size));
    return new KVCache(rows, layers, heads, headSize, capacity, make(), make(), new BigInt64Array(rows * capacity), 0);
  }

  /**
   * Copies `count` slots of (rows, H, count, hd) tensors into slots [length, length + count):
   * `kv` holds layer 0's keys, layer 0's values, layer 1's keys, ... (a decode graph's output order).
   */
  write(kv: readonly HostTensor[], count: number, mask?: BigInt64Array): void {
    const { rows, heads, headSize: hd, capacity: L } = this;
    if (this.length + count > L) throw new Error(`KV cache full: ${this.length} + ${count} slots > capacity ${L}`);
    for (let l = 0; l < this.layers; l++) {
      for (const [src, dst] of [[kv[2 * l], this.k[l]], [kv[2 * l + 1], this.v[l]]] as const) {
        const data = src.data as Float32Array;
        for (let r = 0; r < rows * heads; r++) dst.set(data.subarray(r * count * hd, (r + 1) * count * hd), (r * L + this.length) * hd);
      }
    }
    for (let r = 0; r < rows; r++) {
      for (let t = 0; t < count; t++) this.mask[r * L + this.length + t] = mask ? mask[r * count + t] : 1n;
    }
    this.length += count;
  }

  /** Feeds for a step graph: cache.<layer>.k|v and cache_mask (views, not copies). */
  feeds(): Record<string, HostTensor> {
    const dims = [this.rows, this.heads, this.capacity, this.headSize];
    const f: Record<string, HostTensor> = { cache_mask: { dtype: 'int64', dims: [this.rows, this.capacity], data: this.mask } };
    for (let l = 0; l < this.layers; l++) {
      f[`cache.${l}.k`] = { dtype: 'float32', dims, data: this.k[l] };
      f[`cache.${l}.v`] = { dtype: 'float32', dims, data: this.v[l] };
    }
    return f;
  }

  /** A new cache with only the given rows, in that order. */
  keepRows(keep: readonly number[]): KVCache {
    const c = KVCache.empty(keep.length, this.layers, this.heads, this.headSize, this.capacity);
    const per = this.heads * this.capacity * this.headSize;
    for (let l = 0; l < this.layers; l++) {
      keep.forEach((r, i) => {
        c.k[l].set(this.k[l].subarray(r * per, (r + 1) * per), i * per);
        c.v[l].set(this.v[l].subarray(r * per, (r + 1) * per), i * per);
      });
    }
    keep.forEach((r, i) => c.mask.set(this.mask.subarray(r * this.capacity, (r + 1) * this.capacity), i * this.capacity));
    c.length = this.length;
    return c;
  }
}
