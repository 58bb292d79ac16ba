/**
 * A hash set of fixed-width search states (player cell, then the box cells in ascending order),
 * stored flat in one Uint16Array: no strings, no objects, no garbage in the search loops.
 *
 * Usage: write a candidate at `data[candidate() ...]`, then `commit()` it; the returned index
 * numbers states in insertion order, which the callers use to index their own per-state arrays.
 */
export class StateTable {
  readonly width: number;
  /** States, `width` values each. Reallocated as it grows: re-read it after `candidate()`. */
  data: Uint16Array;
  count = 0;
  private slots: Int32Array;
  private mask: number;

  constructor(width: number, capacity = 1024) {
    this.width = width;
    let size = 1024;
    while (size < capacity * 2) size *= 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    this.data = new Uint16Array(Math.max(capacity, 16) * width);
  }

  /** Offset in `data` where the next candidate state goes; room for it is guaranteed. */
  candidate(): number {
    const need = (this.count + 1) * this.width;
    if (need > this.data.length) {
      const bigger = new Uint16Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    return this.count * this.width;
  }

  /** Adds the candidate: its new index, or `-1 - index` of the equal state already present. */
  commit(): number {
    const w = this.width;
    const d = this.data;
    const at = this.count * w;
    let h = 0x811c9dc5;
    for (let i = 0; i < w; i++) h = Math.imul(h ^ d[at + i], 0x01000193);
    h ^= h >>> 15;
    let slot = h & this.mask;
    for (;;) {
      const s = this.slots[slot];
      if (s === 0) break;
      const other = (s - 1) * w;
      let same = true;
      for (let i = 0; i < w; i++) {
        if (d[other + i] !== d[at + i]) {
          same = false;
          break;
        }
      }
      if (same) return -s;
      slot = (slot + 1) & this.mask;
    }
    this.slots[slot] = ++this.count;
    // Keep the load under one half so probes stay short.
    if (this.count * 2 > this.slots.length) this.rehash();
    return this.count - 1;
  }

  private rehash(): void {
    const size = this.slots.length * 2;
    const slots = new Int32Array(size);
    const mask = size - 1;
    const w = this.width;
    const d = this.data;
    for (let idx = 0; idx < this.count; idx++) {
      let h = 0x811c9dc5;
      for (let i = 0; i < w; i++) h = Math.imul(h ^ d[idx * w + i], 0x01000193);
      h ^= h >>> 15;
      let slot = h & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = idx + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/** A typed array at least `size` long holding `arr`'s values (doubling, so appends stay cheap). */
export function ensureSize<T extends Int32Array | Uint8Array | Uint16Array>(arr: T, size: number): T {
  if (size <= arr.length) return arr;
  let n = arr.length * 2;
  while (n < size) n *= 2;
  const bigger = new (arr.constructor as new (n: number) => T)(n);
  bigger.set(arr);
  return bigger;
}

/**
 * Most states a search of `width`-wide states may store, whatever budget was asked for: a level
 * with many boxes makes every state wide, and 50 million states of 170 boxes would be 17 GB. At
 * 2^26 words the table stays near 128 MB (4-box searches keep 13 million states).
 */
export const MAX_TABLE_WORDS = 1 << 26;

export function stateBudget(width: number, requested: number): number {
  return Math.max(1, Math.min(requested, Math.floor(MAX_TABLE_WORDS / width)));
}
