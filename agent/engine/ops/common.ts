// Shared plumbing for the op builders: numbers as operands, and the one-output emit helper.
import type { OpAttrs, OpType } from '../attrs.js';
import type { DType } from '../dtype.js';
import type { Dims, Value } from '../graph.js';

/** A tensor, or a plain number that becomes a scalar constant of its partner's dtype. */
export type Operand = Value | number;

/** Lifts numbers to scalar constants matching the dtype of the first Value among `xs`. */
export function lift(op: string, ...xs: Operand[]): Value[] {
  const ref = xs.find((x): x is Value => typeof x !== 'number');
  if (!ref) throw new Error(`${op}: needs at least one tensor operand`);
  return xs.map((x) => (typeof x === 'number' ? ref.graph.scalar(x, ref.dtype) : x));
}

/** Emits a single-output node. */
export function emit1<K extends OpType>(
  op: K,
  inputs: readonly (Value | null)[],
  attrs: OpAttrs[K],
  dtype: DType,
  shape: Dims | undefined,
): Value {
  const first = inputs.find((v): v is Value => v !== null);
  if (!first) throw new Error(`${op}: no inputs`);
  return first.graph.emit(op, inputs, attrs, [{ dtype, shape }])[0];
}

/** An int64 1-D tensor from numbers (a constant) or as given. */
export function intsOf(ref: Value, v: readonly number[] | Value): Value {
  return Array.isArray(v) ? ref.graph.ints(v) : (v as Value);
}
