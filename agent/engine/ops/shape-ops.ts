// Ops that move data without arithmetic: layout, views, padding, shape queries, filled tensors.
import type { OpAttrs } from '../attrs.js';
import type { Dim, Dims, Value } from '../graph.js';
import { broadcastShapes, constInts, knownDims, normAxis, UNKNOWN } from '../shape.js';
import { emit1, intsOf } from './common.js';

type Ints = readonly number[] | Value;

export function Transpose(x: Value, attrs: OpAttrs['Transpose'] = {}): Value {
  const perm = attrs.perm ?? (x.shape ? x.shape.map((_, i, s) => s.length - 1 - i) : undefined);
  return emit1('Transpose', [x], attrs, x.dtype, x.shape && perm ? perm.map((p) => x.shape![p]) : undefined);
}

/** Resolves ONNX Reshape targets at build time: 0 copies the input dim, -1 is inferred. */
function reshapeTarget(x: Dims | undefined, target: number[]): Dims {
  const out: Dim[] = target.map((t, i) => (t === 0 ? (x?.[i] ?? UNKNOWN) : t));
  const hole = out.indexOf(-1);
  if (hole < 0) return out;
  if (!x) return out.map((d) => (d === -1 ? UNKNOWN : d));
  // Cancel named dims that appear on both sides; what remains of the input fills the hole.
  const symbols = x.filter((d): d is string => typeof d === 'string');
  let num = x.reduce<number>((p, d) => (typeof d === 'number' ? p * d : p), 1);
  for (const [i, d] of out.entries()) {
    if (i === hole) continue;
    if (typeof d === 'string') {
      const j = symbols.indexOf(d);
      if (j < 0 || d === UNKNOWN) return out.map((e) => (e === -1 ? UNKNOWN : e));
      symbols.splice(j, 1);
    } else num /= d;
  }
  out[hole] = symbols.length === 0 ? num : symbols.length === 1 && num === 1 ? symbols[0] : UNKNOWN;
  return out;
}

export function Reshape(x: Value, shape: Ints, attrs: OpAttrs['Reshape'] = {}): Value {
  const s = intsOf(x, shape);
  const target = constInts(s);
  const n = s.shape?.[0];
  // A target read from Shape(v) keeps v's named dims; a computed one gives only the rank.
  const out = target
    ? reshapeTarget(x.shape, target)
    : (knownDims(s) ?? (typeof n === 'number' ? Array.from({ length: n }, () => UNKNOWN) : undefined));
  return emit1('Reshape', [x, s], attrs, x.dtype, out);
}

export function Unsqueeze(x: Value, axes: Ints): Value {
  const a = intsOf(x, axes);
  const known = constInts(a);
  let out: Dim[] | undefined;
  if (x.shape && known) {
    const rank = x.shape.length + known.length;
    const set = new Set(known.map((k) => normAxis(k, rank)));
    const rest = [...x.shape];
    out = Array.from({ length: rank }, (_, i) => (set.has(i) ? 1 : rest.shift()!));
  }
  return emit1('Unsqueeze', [x, a], {}, x.dtype, out);
}

/** Drops the given size-1 axes (all size-1 axes when omitted). */
export function Squeeze(x: Value, axes?: Ints): Value {
  const a = axes === undefined ? null : intsOf(x, axes);
  const known = a ? constInts(a) : undefined;
  let out: Dim[] | undefined;
  if (x.shape && (known || !a)) {
    const set = new Set(known ? known.map((k) => normAxis(k, x.shape!.length)) : []);
    out = x.shape.filter((d, i) => !(known ? set.has(i) : d === 1));
  }
  return emit1('Squeeze', a ? [x, a] : [x], {}, x.dtype, out);
}

export function Concat(xs: readonly Value[], attrs: OpAttrs['Concat']): Value {
  const first = xs[0];
  let out: Dim[] | undefined;
  if (xs.every((v) => v.shape)) {
    const axis = normAxis(attrs.axis, first.shape!.length);
    const sizes = xs.map((v) => v.shape![axis]);
    out = [...first.shape!];
    out[axis] = sizes.every((d) => typeof d === 'number') ? (sizes as number[]).reduce((p, d) => p + d, 0) : UNKNOWN;
  }
  return emit1('Concat', xs, attrs, first.dtype, out);
}

function sliceDim(d: Dim, start: number, end: number, step: number): Dim {
  if (typeof d !== 'number') return start === 0 && end >= 2 ** 31 - 1 && step === 1 ? d : UNKNOWN;
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  // ONNX clamps starts to [0, d] (positive steps) or [0, d - 1] (negative), ends to [0, d] or [-1, d - 1].
  const s = clamp(start < 0 ? start + d : start, 0, step > 0 ? d : d - 1);
  const e = clamp(end < 0 ? end + d : end, step > 0 ? 0 : -1, step > 0 ? d : d - 1);
  return Math.max(0, Math.ceil((e - s) / step));
}

/** x[starts:ends:steps] along `axes` (default: the first len(starts) axes). */
export function Slice(x: Value, starts: Ints, ends: Ints, axes?: Ints, steps?: Ints): Value {
  const inputs = [x, intsOf(x, starts), intsOf(x, ends), axes ? intsOf(x, axes) : null, steps ? intsOf(x, steps) : null];
  while (inputs[inputs.length - 1] === null) inputs.pop();
  const [st, en, ax, sp] = inputs.slice(1).map((v) => constInts(v));
  let out: Dim[] | undefined;
  if (x.shape) {
    out = [...x.shape];
    const axs = axes ? ax : (st ?? en)?.map((_, i) => i);
    if (!axs) out = out.map(() => UNKNOWN);
    else {
      // Axes known: only those dims change, to a number when starts/ends/steps are constants.
      axs.forEach((a, i) => {
        const k = normAxis(a, out!.length);
        out![k] = st && en && (!steps || sp) ? sliceDim(out![k], st[i], en[i], sp ? sp[i] : 1) : UNKNOWN;
      });
    }
  }
  return emit1('Slice', inputs, {}, x.dtype, out);
}

/** Pads with `pads` = [begin_0, ..., begin_n, end_0, ..., end_n] (constant mode pads with `value`). */
export function Pad(x: Value, pads: Ints, value?: Value, attrs: OpAttrs['Pad'] = {}): Value {
  const pv = intsOf(x, pads);
  const p = constInts(pv);
  let out: Dim[] | undefined;
  if (x.shape) {
    const r = x.shape.length;
    const padded = (d: Dim, i: number): Dim => {
      if (!p) return UNKNOWN;
      const extra = p[i] + p[i + r];
      return typeof d === 'number' ? d + extra : extra === 0 ? d : UNKNOWN; // a named dim stays named if unpadded
    };
    out = x.shape.map(padded);
  }
  return emit1('Pad', value ? [x, pv, value] : [x, pv], attrs, x.dtype, out);
}

/** Broadcasts x to `shape` (numpy rules: the result may be larger than `shape`). */
export function Expand(x: Value, shape: Ints): Value {
  const s = intsOf(x, shape);
  const sshape: Dims | undefined = knownDims(s) ?? (typeof s.shape?.[0] === 'number' ? Array.from({ length: s.shape[0] as number }, () => UNKNOWN) : undefined);
  // A -1-free target of 1s keeps x's dims: broadcastShapes does exactly that.
  return emit1('Expand', [x, s], {}, x.dtype, broadcastShapes(x.shape, sshape));
}

export function Shape(x: Value, attrs: OpAttrs['Shape'] = {}): Value {
  const r = x.rank;
  let len: number | string = UNKNOWN;
  if (r !== undefined) {
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
    len = Math.max(0, clamp(attrs.end ?? r) - clamp(attrs.start ?? 0));
  }
  return emit1('Shape', [x], attrs, 'int64', [len]);
}

export const Size = (x: Value): Value => emit1('Size', [x], {}, 'int64', []);

/** A tensor of the given (int64 1-D) shape filled with `value` (default float32 0). */
export function ConstantOfShape(shape: Value, attrs: OpAttrs['ConstantOfShape'] = {}): Value {
  const dims = knownDims(shape);
  const n = shape.shape?.[0];
  const out = dims ?? (typeof n === 'number' ? Array.from({ length: n }, () => UNKNOWN) : undefined);
  return emit1('ConstantOfShape', [shape], attrs, attrs.value?.dtype ?? 'float32', out);
}

/** [start, start + delta, ...) below limit; all three are scalars of one type. */
export const Range = (start: Value, limit: Value, delta: Value): Value =>
  emit1('Range', [start, limit, delta], {}, start.dtype, [UNKNOWN]);
