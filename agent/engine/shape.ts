// Build-time shape inference helpers. Symbolic dims are assumed never to be broadcast against a
// larger dim (a 'batch' dim is never 1 while its partner is 8): gradients rely on it.
import type { Dim, Dims, Value } from './graph.js';
import { toNumbers } from './dtype.js';

export const UNKNOWN: Dim = '?';

const broadcastDim = (a: Dim, b: Dim): Dim => {
  if (a === b) return a;
  if (a === 1) return b;
  if (b === 1) return a;
  if (typeof a === 'number' && typeof b === 'number') {
    throw new Error(`cannot broadcast dims ${a} and ${b}`);
  }
  if (typeof a === 'number') return a; // a named dim meets a number: they must be equal at run time
  if (typeof b === 'number') return b;
  return a === UNKNOWN ? b : a;
};

/** Numpy-style multidirectional broadcasting; undefined if any rank is unknown. */
export function broadcastShapes(...shapes: (Dims | undefined)[]): Dims | undefined {
  if (shapes.some((s) => s === undefined)) return undefined;
  const ss = shapes as Dims[];
  const rank = Math.max(...ss.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let d: Dim = 1;
    for (const s of ss) {
      const j = i - (rank - s.length);
      if (j >= 0) {
        try {
          d = broadcastDim(d, s[j]);
        } catch {
          throw new Error(`cannot broadcast shapes ${ss.map((x) => `[${x}]`).join(' and ')}`);
        }
      }
    }
    out.push(d);
  }
  return out;
}

/** Resolves a possibly negative axis against `rank`. */
export function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`axis ${axis} out of range for rank ${rank}`);
  return a;
}

/**
 * The dims a 1-D int64 shape tensor will hold, when known at build time: a constant, or `Shape(v)`
 * of a value whose shape is known (named dims stay named, which keeps gradients' shapes precise).
 */
export function knownDims(v: Value): Dims | undefined {
  const c = constInts(v);
  if (c) return c;
  const p = v.producer;
  if (p?.op === 'Shape' && !('start' in p.attrs) && !('end' in p.attrs)) return p.inputs[0]?.shape;
  return undefined;
}

/** The numbers of a constant int tensor, or undefined when it is computed at run time. */
export function constInts(v: Value | null | undefined): number[] | undefined {
  return v?.constant ? toNumbers(v.constant.data) : undefined;
}

export const sameShape = (a: Dims | undefined, b: Dims | undefined): boolean =>
  !!a && !!b && a.length === b.length && a.every((d, i) => d === b[i] && d !== UNKNOWN);

/** Product of dims if all are numbers. */
export function staticSize(dims: readonly Dim[]): number | undefined {
  let n = 1;
  for (const d of dims) {
    if (typeof d !== 'number') return undefined;
    n *= d;
  }
  return n;
}
