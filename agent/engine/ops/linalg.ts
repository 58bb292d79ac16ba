// Matrix products and triangular masks.
import type { OpAttrs } from '../attrs.js';
import type { Dim, Dims, Value } from '../graph.js';
import { broadcastShapes } from '../shape.js';
import { emit1, type Operand } from './common.js';

function matmulShape(a: Dims | undefined, b: Dims | undefined): Dims | undefined {
  if (!a || !b) return undefined;
  const aa = a.length === 1 ? [1, a[0]] : a;
  const bb = b.length === 1 ? [b[0], 1] : b;
  const [m, ka] = aa.slice(-2);
  const [kb, n] = bb.slice(-2);
  if (typeof ka === 'number' && typeof kb === 'number' && ka !== kb) {
    throw new Error(`MatMul: inner dims differ, [${a}] x [${b}]`);
  }
  const batch = broadcastShapes(aa.slice(0, -2), bb.slice(0, -2)) as Dim[];
  return [...batch, ...(a.length === 1 ? [] : [m]), ...(b.length === 1 ? [] : [n])];
}

/** Numpy matmul: the last two axes multiply, leading axes broadcast. */
export function MatMul(a: Value, b: Value): Value {
  if (a.dtype !== b.dtype) throw new Error(`MatMul: dtypes ${a.dtype} and ${b.dtype} differ`);
  return emit1('MatMul', [a, b], {}, a.dtype, matmulShape(a.shape, b.shape));
}

/** Keeps the upper (upper=1, default) or lower triangle of the last two axes, offset by k. */
export function Trilu(x: Value, k: Operand = 0, attrs: OpAttrs['Trilu'] = {}): Value {
  const kv = typeof k === 'number' ? x.graph.scalar(k, 'int64') : k;
  return emit1('Trilu', [x, kv], attrs, x.dtype, x.shape);
}
