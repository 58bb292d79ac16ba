/**
 * Spaces described as data, so that the server can publish them and the checker can test them.
 * An env's spaces also carry Gymnasium's `sample(rng)` and `contains(x)` (see `withSpaceMethods`),
 * as methods that JSON and spreading do not see, so the data stays what the server publishes.
 */
import { makeRng, type Rng } from './rng.js';
import type { Json } from './json.js';

export type Space =
  | { type: 'discrete'; n: number; names?: string[] }
  | { type: 'box'; shape: number[]; low: number; high: number; dtype: 'uint8' | 'float32' | 'int32' }
  | { type: 'text'; max_length: number; charset?: string }
  | { type: 'json'; description: string }
  | { type: 'image'; width: number; height: number; channels: 4 }
  | { type: 'dict'; spaces: Record<string, Space> }
  | { type: 'sequence'; of: Space; max_length: number };

/** `null` when `value` belongs to `space`, else a sentence naming what is wrong. */
export function spaceViolation(space: Space, value: unknown, path = 'value'): string | null {
  switch (space.type) {
    case 'discrete':
      if (typeof value === 'number') {
        return Number.isInteger(value) && value >= 0 && value < space.n
          ? null
          : `${path} = ${value} is not an integer in [0, ${space.n})`;
      }
      if (typeof value === 'string' && space.names) {
        return space.names.includes(value.toLowerCase()) ? null : `${path} = "${value}" is not one of ${space.names.join(', ')}`;
      }
      return `${path} is ${typeof value}, expected an action index${space.names ? ' or name' : ''}`;
    case 'box': {
      if (!ArrayBuffer.isView(value) && !Array.isArray(value)) return `${path} is not an array`;
      const arr = value as ArrayLike<number>;
      const size = space.shape.reduce((a, b) => a * b, 1);
      if (arr.length !== size) return `${path} has ${arr.length} elements, expected ${size} (${space.shape.join('x')})`;
      for (let i = 0; i < arr.length; i++) {
        const v = arr[i];
        if (!(v >= space.low && v <= space.high)) return `${path}[${i}] = ${v} is outside [${space.low}, ${space.high}]`;
      }
      return null;
    }
    case 'text':
      if (typeof value !== 'string') return `${path} is ${typeof value}, expected text`;
      return value.length <= space.max_length ? null : `${path} is ${value.length} characters, over ${space.max_length}`;
    case 'json':
      return isJson(value) ? null : `${path} is not plain JSON`;
    case 'image': {
      const img = value as { width?: unknown; height?: unknown; data?: unknown };
      if (typeof img !== 'object' || img === null) return `${path} is not an image`;
      if (img.width !== space.width || img.height !== space.height) {
        return `${path} is ${String(img.width)}x${String(img.height)}, expected ${space.width}x${space.height}`;
      }
      if (!(img.data instanceof Uint8ClampedArray)) return `${path}.data is not a Uint8ClampedArray`;
      if (img.data.length !== space.width * space.height * 4) return `${path}.data has the wrong length`;
      return null;
    }
    case 'dict': {
      if (typeof value !== 'object' || value === null) return `${path} is not an object`;
      const obj = value as Record<string, unknown>;
      for (const [key, sub] of Object.entries(space.spaces)) {
        if (!(key in obj)) return `${path}.${key} is missing`;
        const err = spaceViolation(sub, obj[key], `${path}.${key}`);
        if (err) return err;
      }
      return null;
    }
    case 'sequence': {
      if (!Array.isArray(value)) return `${path} is not a list`;
      if (value.length > space.max_length) return `${path} has ${value.length} items, over ${space.max_length}`;
      for (let i = 0; i < value.length; i++) {
        const err = spaceViolation(space.of, value[i], `${path}[${i}]`);
        if (err) return err;
      }
      return null;
    }
  }
}

export function isJson(value: unknown): value is Json {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJson);
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return false;
    return Object.values(value as Record<string, unknown>).every(isJson);
  }
  return false;
}

/** Gymnasium's space methods. */
export interface SpaceMethods {
  /**
   * A random member of the space, drawn from `rng` (or, without one, from the space's own
   * generator, seeded 0 until `seed` re-seeds it), so samples are reproducible either way.
   */
  sample(rng?: Rng): unknown;
  /** Whether `x` belongs to the space (`spaceViolation` says why not). */
  contains(x: unknown): boolean;
  /** Re-seeds the space's own generator (Gymnasium's `space.seed`). */
  seed(seed: number): void;
}

/** A space as data plus its methods; a dict's subspaces and a sequence's item space have them too. */
export type LiveSpace = Space & SpaceMethods;

/** Longest text a sample has: a text space may allow a megabyte, which no test wants at random. */
const SAMPLE_TEXT_CHARS = 64;
/** Longest sequence a sample has, for the same reason. */
const SAMPLE_SEQUENCE_ITEMS = 8;
/** Printable ASCII: what a text space without a charset samples from. */
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

/** A random member of `space`. A json space has no shape to draw from: its sample is `{}`, a member of every json space. */
export function sampleSpace(space: Space, rng: Rng): unknown {
  switch (space.type) {
    case 'discrete':
      return rng.int(space.n);
    case 'box': {
      const size = space.shape.reduce((a, b) => a * b, 1);
      const out = space.dtype === 'uint8' ? new Uint8Array(size) : space.dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
      const integral = space.dtype !== 'float32';
      const lo = Math.ceil(space.low);
      const hi = Math.floor(space.high);
      if (integral && lo > hi) throw new RangeError(`a ${space.dtype} box over [${space.low}, ${space.high}] holds no integer to sample`);
      for (let i = 0; i < size; i++) {
        if (integral) {
          out[i] = rng.range(lo, hi);
        } else {
          // Float32 rounding can step just outside the bounds: clamp into them.
          out[i] = Math.min(space.high, Math.max(space.low, space.low + rng.next() * (space.high - space.low)));
        }
      }
      return out;
    }
    case 'text': {
      const chars = space.charset && space.charset.length > 0 ? space.charset : PRINTABLE;
      const length = rng.int(Math.min(space.max_length, SAMPLE_TEXT_CHARS) + 1);
      let text = '';
      for (let i = 0; i < length; i++) text += chars[rng.int(chars.length)];
      return text;
    }
    case 'json':
      return {};
    case 'image': {
      // One 32-bit draw a pixel, not one a byte: a 1280x720 frame is 0.9M draws, not 3.7M.
      const data = new Uint8ClampedArray(space.width * space.height * 4);
      const words = new Uint32Array(data.buffer);
      for (let i = 0; i < words.length; i++) words[i] = rng.seed();
      return { width: space.width, height: space.height, data };
    }
    case 'dict': {
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(space.spaces)) out[key] = sampleSpace(sub, rng);
      return out;
    }
    case 'sequence': {
      const length = rng.int(Math.min(space.max_length, SAMPLE_SEQUENCE_ITEMS) + 1);
      return Array.from({ length }, () => sampleSpace(space.of, rng));
    }
  }
}

/**
 * `space` with `sample`, `contains` and `seed` attached as non-enumerable methods (recursively), so
 * that `JSON.stringify`, spreading and deep equality see only the data.
 */
export function withSpaceMethods<T extends Space>(space: T): T & SpaceMethods {
  if (space.type === 'dict') for (const sub of Object.values(space.spaces)) withSpaceMethods(sub);
  if (space.type === 'sequence') withSpaceMethods(space.of);
  let own = makeRng(0);
  const methods: SpaceMethods = {
    sample: (rng?: Rng) => sampleSpace(space, rng ?? own),
    contains: (x: unknown) => spaceViolation(space, x) === null,
    seed: (seed: number) => {
      if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`a space seed must be a non-negative integer, got ${String(seed)}`);
      own = makeRng(seed);
    },
  };
  for (const [name, fn] of Object.entries(methods)) {
    Object.defineProperty(space, name, { value: fn, enumerable: false, writable: false, configurable: true });
  }
  return space as T & SpaceMethods;
}
