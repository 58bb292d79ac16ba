// Reductions (axes as an input: opset 18), arg-max, softmax family and cumulative sums.
import type { OpAttrs } from '../attrs.js';
import type { Dim, Dims, Value } from '../graph.js';
import { constInts, normAxis } from '../shape.js';
import { emit1, intsOf } from './common.js';

type ReduceOp = 'ReduceSum' | 'ReduceMean' | 'ReduceMax';

function reducedShape(x: Dims | undefined, axes: number[] | undefined, keep: boolean): Dims | undefined {
  if (!x) return undefined;
  if (!axes) return keep ? x.map(() => '?' as Dim) : undefined;
  const all = axes.length === 0;
  const set = new Set(axes.map((a) => normAxis(a, x.length)));
  const out: Dim[] = [];
  x.forEach((d, i) => {
    if (!all && !set.has(i)) out.push(d);
    else if (keep) out.push(1);
  });
  return out;
}

function reduce(op: ReduceOp, x: Value, axes: readonly number[] | Value | undefined, attrs: OpAttrs[ReduceOp]): Value {
  const axesV = axes === undefined ? null : intsOf(x, axes);
  // No axes with noop_with_empty_axes=1: the identity, not a reduction over every axis.
  if ((axes === undefined || (Array.isArray(axes) && axes.length === 0)) && attrs.noop_with_empty_axes) {
    return emit1(op, [x, axesV], attrs, x.dtype, x.shape);
  }
  const keep = (attrs.keepdims ?? 1) === 1;
  const known = axesV === null ? [] : constInts(axesV);
  return emit1(op, [x, axesV], attrs, x.dtype, reducedShape(x.shape, known, keep));
}

/** Sums over `axes` (all axes when omitted); keepdims defaults to 1 as in ONNX. */
export const ReduceSum = (x: Value, axes?: readonly number[] | Value, attrs: OpAttrs['ReduceSum'] = {}): Value =>
  reduce('ReduceSum', x, axes, attrs);
export const ReduceMean = (x: Value, axes?: readonly number[] | Value, attrs: OpAttrs['ReduceMean'] = {}): Value =>
  reduce('ReduceMean', x, axes, attrs);
export const ReduceMax = (x: Value, axes?: readonly number[] | Value, attrs: OpAttrs['ReduceMax'] = {}): Value =>
  reduce('ReduceMax', x, axes, attrs);

export function ArgMax(x: Value, attrs: OpAttrs['ArgMax'] = {}): Value {
  const axis = attrs.axis ?? 0;
  const shape = x.shape ? reducedShape(x.shape, [axis], (attrs.keepdims ?? 1) === 1) : undefined;
  return emit1('ArgMax', [x], attrs, 'int64', shape);
}

/** Softmax along one axis (default -1, opset 13 semantics). */
export const Softmax = (x: Value, attrs: OpAttrs['Softmax'] = {}): Value =>
  emit1('Softmax', [x], attrs, x.dtype, x.shape);
export const LogSoftmax = (x: Value, attrs: OpAttrs['LogSoftmax'] = {}): Value =>
  emit1('LogSoftmax', [x], attrs, x.dtype, x.shape);

/** Running sum along `axis` (exclusive / reverse per attributes). */
export function CumSum(x: Value, axis: number | Value, attrs: OpAttrs['CumSum'] = {}): Value {
  const a = typeof axis === 'number' ? x.graph.scalar(axis, 'int64') : axis;
  return emit1('CumSum', [x, a], attrs, x.dtype, x.shape);
}
