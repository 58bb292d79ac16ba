/**
 * Every random choice of an env goes through an `Rng` made here, never through Math.random, so that
 * the same seed gives the same episode on every machine.
 */
import seedrandom from 'seedrandom';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform integer in [lo, hi] inclusive. */
  range(lo: number, hi: number): number;
  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[];
  /** A fresh 32-bit seed drawn from this stream, to seed a child generator. */
  seed(): number;
}

/** A generator seeded by `seed` (any string or number); same seed, same stream. */
export function makeRng(seed: number | string): Rng {
  // alea: fast, well-distributed, and its state is small and portable.
  const prng = seedrandom.alea(String(seed));
  const next = () => prng();
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    range: (lo, hi) => lo + int(hi - lo + 1),
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[int(items.length)];
    },
    shuffle: (items) => {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    },
    seed: () => (prng.int32() >>> 0),
  };
}

/** Derives a child seed from a parent seed and a label, e.g. one per generation retry. */
export function deriveSeed(seed: number, label: string | number): number {
  return makeRng(`${seed}/${label}`).seed();
}
