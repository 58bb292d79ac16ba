// Small graph helpers that gradient rules and the backward pass share.
import {
  ConstantOfShape, ReduceSum, Shape, Transpose, fromNumbers,
  type DType, type Value,
} from '../../agent/engine/index.js';

/** A 1-D int64 tensor holding x's shape: a constant when fully static, else Shape(x). */
export function shapeOf(x: Value): Value {
  const s = x.requireShape('shapeOf');
  return s.every((d) => typeof d === 'number') ? x.graph.ints(s as number[]) : Shape(x);
}

/** A tensor of x's shape and dtype filled with `value`. */
export function fillLike(x: Value, value: number, dtype: DType = x.dtype): Value {
  return ConstantOfShape(shapeOf(x), { value: { dtype, dims: [1], data: fromNumbers(dtype, [value]) } });
}

export const zerosLike = (x: Value): Value => fillLike(x, 0);

/** Swaps the last two axes (matrix transpose of every batch element). */
export function transposeLast2(x: Value): Value {
  const r = x.rank;
  if (r === undefined || r < 2) throw new Error(`transposeLast2: '${x.name}' needs rank >= 2`);
  const perm = Array.from({ length: r }, (_, i) => i);
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return Transpose(x, { perm });
}

/**
 * Sums a gradient that was broadcast (numpy rules) back to the shape of the input it belongs to:
 * leading extra axes are summed away, axes where the input has 1 and the gradient has not are
 * summed with keepdims. Named dims are taken as never broadcast (see engine/shape.ts).
 */
export function sumToShape(g: Value, x: Value): Value {
  const gs = g.requireShape(`gradient of '${x.name}'`);
  const xs = x.requireShape(`gradient of '${x.name}'`);
  const lead = gs.length - xs.length;
  if (lead < 0) throw new Error(`gradient of '${x.name}' has lower rank than the input ([${gs}] vs [${xs}])`);
  let out = g;
  if (lead > 0) out = ReduceSum(out, Array.from({ length: lead }, (_, i) => i), { keepdims: 0 });
  const keep = xs.flatMap((d, j) => (d === 1 && gs[j + lead] !== 1 ? [j] : []));
  if (keep.length > 0) out = ReduceSum(out, keep, { keepdims: 1 });
  return out;
}

