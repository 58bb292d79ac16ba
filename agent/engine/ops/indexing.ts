// Gathers and scatters (embeddings, picking token log-probs, and their gradients).
import type { OpAttrs } from '../attrs.js';
import type { Dim, Value } from '../graph.js';
import { normAxis } from '../shape.js';
import { emit1 } from './common.js';

/** data[..., indices, ...] along `axis`: output = data[:axis] + indices + data[axis+1:]. */
export function Gather(data: Value, indices: Value, attrs: OpAttrs['Gather'] = {}): Value {
  let out: Dim[] | undefined;
  if (data.shape && indices.shape) {
    const a = normAxis(attrs.axis ?? 0, data.shape.length);
    out = [...data.shape.slice(0, a), ...indices.shape, ...data.shape.slice(a + 1)];
  }
  return emit1('Gather', [data, indices], attrs, data.dtype, out);
}

/** out[i][j] = data[indices[i][j]][j] (for axis 0): the output has the shape of `indices`. */
export const GatherElements = (data: Value, indices: Value, attrs: OpAttrs['GatherElements'] = {}): Value =>
  emit1('GatherElements', [data, indices], attrs, data.dtype, indices.shape);

/** Gathers slices of `data` addressed by the last axis of `indices` (batch_dims = 0 only here). */
export function GatherND(data: Value, indices: Value, attrs: OpAttrs['GatherND'] = {}): Value {
  let out: Dim[] | undefined;
  const k = indices.shape?.[indices.shape.length - 1];
  if (data.shape && indices.shape && typeof k === 'number' && !attrs.batch_dims) {
    out = [...indices.shape.slice(0, -1), ...data.shape.slice(k)];
  }
  return emit1('GatherND', [data, indices], attrs, data.dtype, out);
}

/**
 * A copy of `data` with slices at `indices` replaced by (or, with reduction 'add', added to) `updates`.
 * NOTE: in ORT 1.30, reduction 'add' loses updates to repeated indices when run with more than one
 * intra-op thread; gather gradients therefore use a one-hot MatMul (training/autodiff/rules.ts).
 */
export const ScatterND = (data: Value, indices: Value, updates: Value, attrs: OpAttrs['ScatterND'] = {}): Value =>
  emit1('ScatterND', [data, indices, updates], attrs, data.dtype, data.shape);

/** The inverse of GatherElements: writes (or adds) `updates` into a copy of `data`. */
export const ScatterElements = (data: Value, indices: Value, updates: Value, attrs: OpAttrs['ScatterElements'] = {}): Value =>
  emit1('ScatterElements', [data, indices, updates], attrs, data.dtype, data.shape);
