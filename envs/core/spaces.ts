/**
 * Spaces described as data, so that the server can publish them and the checker can test them.
 */
import type { Json } from './types.js';

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
