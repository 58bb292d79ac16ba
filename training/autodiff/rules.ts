// Every gradient rule, in one table typed over the engine's op names: an op without an entry does
// not compile. A rule gets the node, its inputs `x`, its output `y` and the output's gradient `gy`,
// and returns one entry per input: a thunk building that input's gradient (called only when the
// input needs one), or null where the input has none (indices, shapes, conditions). Gradients may
// keep the broadcast shape of `gy`: the backward pass sums them back to each input's shape.
import {
  Add, Cast, CumSum, Div, Equal, Exp, Expand, GatherElements, GatherND, Greater,
  GreaterOrEqual, Less, LessOrEqual, Log, MatMul, Mul, Neg, Pad, Pow, ReduceSum, Reshape, ScatterElements,
  ScatterND, Shape, Sign, Size, Slice, Sub, Transpose, Trilu, Unsqueeze, Where, constInts, normAxis,
  type Node, type OpType, type Value,
} from '../../agent/engine/index.js';
import { shapeOf, transposeLast2, zerosLike } from './helpers.js';

export type Lazy = (() => Value) | null;

export interface GradArgs<K extends OpType> {
  node: Node<K>;
  /** The node's inputs (required ones; read optional inputs from node.inputs, which may hold null). */
  x: readonly Value[];
  y: Value;
  gy: Value;
}

export type GradRule<K extends OpType> = (a: GradArgs<K>) => readonly Lazy[];

/** Piecewise-constant ops: every input gets an explicit "no gradient". */
const none = ({ x }: GradArgs<OpType>): Lazy[] => x.map(() => null);
const INT_MAX = 2 ** 62;

type ReduceNode = Node<'ReduceSum' | 'ReduceMean' | 'ReduceMax'>;

/** Reduction axes of a Reduce* node, resolved against x's rank (all axes when omitted). */
function reduceAxes(node: ReduceNode, x: Value): number[] {
  const r = x.requireShape(node.op).length;
  const axes = node.inputs[1] ? constInts(node.inputs[1]) : [];
  if (!axes) throw new Error(`${node.op} gradient needs constant axes`);
  return axes.length === 0 ? Array.from({ length: r }, (_, i) => i) : axes.map((a) => normAxis(a, r));
}

/** No axes with noop_with_empty_axes=1: the reduction is the identity, and so is its gradient. */
const isNoop = (node: ReduceNode): boolean =>
  node.attrs.noop_with_empty_axes === 1 && (!node.inputs[1] || constInts(node.inputs[1])?.length === 0);

/** gy of a reduction with its reduced axes restored as size 1 (so it broadcasts against x). */
function keepDims(node: ReduceNode, x: Value, gy: Value): Value {
  return (node.attrs.keepdims ?? 1) === 1 ? gy : Unsqueeze(gy, reduceAxes(node, x));
}

/** Elements reduced into each output element, as a scalar of x's dtype. */
function reducedCount(node: Node<'ReduceMean'>, x: Value, y: Value): Value {
  const dims = reduceAxes(node, x).map((a) => x.shape![a]);
  if (dims.every((d) => typeof d === 'number')) {
    return x.graph.scalar((dims as number[]).reduce((p, d) => p * d, 1), x.dtype);
  }
  // Named dims: size(x) / size(y), computed at run time.
  return Div(Cast(Size(x), x.dtype), Cast(Size(y), x.dtype));
}

/** Pads that undo a Slice with constant starts/ends/axes and unit steps. */
function unslicePads(node: Node<'Slice'>, x: Value): number[] {
  const [, st, en, ax, sp] = node.inputs.map((v) => (v ? constInts(v) : undefined));
  const shape = x.requireShape('Slice gradient');
  const r = shape.length;
  if (!st || !en || (node.inputs[3] && !ax) || (node.inputs[4] && (!sp || sp.some((s) => s !== 1)))) {
    throw new Error('Slice gradient needs constant starts/ends/axes and unit steps');
  }
  const pads = new Array<number>(2 * r).fill(0);
  (ax ?? st.map((_, i) => i)).forEach((a0, i) => {
    const a = normAxis(a0, r);
    const d = shape[a];
    if (typeof d === 'number') {
      const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
      pads[a] = clamp(st[i]);
      pads[a + r] = d - Math.max(clamp(en[i]), clamp(st[i]));
    } else {
      // A named dim: only offsets from either end are known without it.
      if (st[i] < 0 || (en[i] >= 0 && en[i] < 2 ** 31 - 1)) {
        throw new Error(`Slice gradient: axis ${a} has named dim '${d}'; use starts >= 0 and ends < 0 or open`);
      }
      pads[a] = st[i];
      pads[a + r] = en[i] < 0 ? -en[i] : 0;
    }
  });
  return pads;
}

/**
 * Sums the rows of `gy` (.., width) into `rows` buckets by `ids` (same leading shape, values in
 * [0, rows)): onehot(ids)^T @ gy, a (rows, width) matrix.
 * NOTE: this is how gathers get their gradients because ORT 1.30's ScatterND with reduction='add'
 * loses updates to repeated indices with more than one intra-op thread (measured: 4096 ones into 7
 * rows summed to 557..586 instead of 585/586, varying per run). The product is exact, deterministic
 * and cheap for tables of a few thousand rows (memory: ids x rows elements).
 */
function segmentSum(ids: Value, gy: Value, rows: number, width: number): Value {
  const g = ids.graph;
  const rowIds = g.ints(Array.from({ length: rows }, (_, i) => i));
  const oneHot = Cast(Equal(Unsqueeze(Reshape(ids, [-1]), [1]), rowIds), gy.dtype); // (N, rows)
  return MatMul(Transpose(oneHot), Reshape(gy, [-1, width])); // (rows, width)
}

/** Static dims of a gathered-from tensor, or an error naming the op. */
function staticDims(x: Value, op: string): number[] {
  const s = x.requireShape(`${op} gradient`);
  if (!s.every((d) => typeof d === 'number')) throw new Error(`${op} gradient needs a table of static shape, got [${s}]`);
  return s as number[];
}

const product = (xs: readonly number[]): number => xs.reduce((p, d) => p * d, 1);

/** Negative ids count from the end of their axis (ids of either int type come back as int64). */
function wrapIds(ids0: Value, size: Value | number): Value {
  const ids = ids0.dtype === 'int64' ? ids0 : Cast(ids0, 'int64');
  return Where(Less(ids, 0), Add(ids, size), ids);
}

export const gradRules: { [K in OpType]: GradRule<K> } = {
  // --- linear algebra ---
  // d(A B) = dA B + A dB  =>  gA = gy B^T, gB = A^T gy (batch axes summed by the backward pass)
  MatMul: ({ x: [a, b], gy }) => {
    if ((a.rank ?? 0) < 2 || (b.rank ?? 0) < 2) throw new Error('MatMul gradient: 1-D operands are not supported');
    return [
      () => MatMul(gy, transposeLast2(b)),
      () => {
        // A shared 2-D weight under batched activations: one large product instead of a batch of
        // small ones followed by a sum over the batch.
        const k = b.shape![0];
        const n = b.shape![1];
        if (b.rank === 2 && a.rank! > 2 && typeof k === 'number' && typeof n === 'number') {
          return MatMul(Transpose(Reshape(a, [-1, k])), Reshape(gy, [-1, n]));
        }
        return MatMul(transposeLast2(a), gy);
      },
    ];
  },
  Trilu: ({ node, gy }) => [() => Trilu(gy, node.inputs[1] ?? 0, node.attrs)],

  // --- elementwise ---
  Add: ({ gy }) => [() => gy, () => gy],
  Sub: ({ gy }) => [() => gy, () => Neg(gy)],
  Mul: ({ x: [a, b], gy }) => [() => Mul(gy, b), () => Mul(gy, a)],
  // d(a / b) = da / b - a db / b^2 = da / b - y db / b
  Div: ({ x: [, b], y, gy }) => [() => Div(gy, b), () => Neg(Div(Mul(gy, y), b))],
  // d(a^b) = b a^(b-1) da + a^b log(a) db
  Pow: ({ x: [a, b], y, gy }) => [
    () => {
      const e = b.dtype === a.dtype ? b : Cast(b, a.dtype);
      return Mul(gy, Mul(e, Pow(a, Sub(e, 1))));
    },
    () => Mul(gy, Mul(y, Log(a))),
  ],
  // Ties send the gradient to the first operand.
  Max: ({ x: [a, b], gy }) => [() => Where(GreaterOrEqual(a, b), gy, 0), () => Where(Less(a, b), gy, 0)],
  Min: ({ x: [a, b], gy }) => [() => Where(LessOrEqual(a, b), gy, 0), () => Where(Greater(a, b), gy, 0)],
  Neg: ({ gy }) => [() => Neg(gy)],
  Exp: ({ y, gy }) => [() => Mul(gy, y)],
  Log: ({ x: [a], gy }) => [() => Div(gy, a)],
  // d sqrt(a) = da / (2 sqrt(a))
  Sqrt: ({ y, gy }) => [() => Div(Mul(gy, 0.5), y)],
  // d tanh(a) = (1 - tanh^2) da
  Tanh: ({ y, gy }) => [() => Mul(gy, Sub(1, Mul(y, y)))],
  // d erf(a) = 2/sqrt(pi) exp(-a^2) da
  Erf: ({ x: [a], gy }) => [() => Mul(gy, Mul(Exp(Neg(Mul(a, a))), 2 / Math.sqrt(Math.PI)))],
  // d sigmoid(a) = s (1 - s) da
  Sigmoid: ({ y, gy }) => [() => Mul(gy, Mul(y, Sub(1, y)))],
  // NOTE: the kink at 0 gets gradient 0 (PyTorch's choice).
  Relu: ({ x: [a], gy }) => [() => Where(Greater(a, 0), gy, 0)],
  // d(1/a) = -da / a^2 = -y^2 da
  Reciprocal: ({ y, gy }) => [() => Neg(Mul(gy, Mul(y, y)))],
  Abs: ({ x: [a], gy }) => [() => Mul(gy, Sign(a))],
  Sign: none,
  Identity: ({ gy }) => [() => gy],
  Where: ({ x: [cond], gy }) => [null, () => Where(cond, gy, 0), () => Where(cond, 0, gy)],
  // Called only for float inputs: integer and bool inputs of a Cast never need a gradient.
  Cast: ({ x: [a], gy }) => [() => Cast(gy, a.dtype)],

  // --- comparisons and logic: piecewise constant ---
  Equal: none,
  Less: none,
  Greater: none,
  LessOrEqual: none,
  GreaterOrEqual: none,
  Not: none,
  And: none,
  Or: none,
  ArgMax: none,

  // --- reductions and normalisers ---
  ReduceSum: ({ node, x: [a], gy }) => [() => (isNoop(node) ? gy : Expand(keepDims(node, a, gy), shapeOf(a))), null],
  ReduceMean: ({ node, x: [a], y, gy }) => [
    () => (isNoop(node) ? gy : Expand(Div(keepDims(node, a, gy), reducedCount(node, a, y)), shapeOf(a))),
    null,
  ],
  // The gradient goes to the maxima, split evenly between ties.
  ReduceMax: ({ node, x: [a], y, gy }) => [
    () => {
      if (isNoop(node)) return gy;
      const hit = Cast(Equal(a, keepDims(node, a, y)), a.dtype);
      const axes = reduceAxes(node, a);
      return Mul(Div(hit, ReduceSum(hit, axes, { keepdims: 1 })), keepDims(node, a, gy));
    },
    null,
  ],
  // d softmax: gx = y (gy - sum(gy y))
  Softmax: ({ node, y, gy }) => [() => Mul(y, Sub(gy, ReduceSum(Mul(gy, y), [node.attrs.axis ?? -1], { keepdims: 1 })))],
  // d logsoftmax: gx = gy - exp(y) sum(gy)
  LogSoftmax: ({ node, y, gy }) => [() => Sub(gy, Mul(Exp(y), ReduceSum(gy, [node.attrs.axis ?? -1], { keepdims: 1 })))],
  // The adjoint of a running sum is the running sum in the other direction.
  CumSum: ({ node, x: [, axis], gy }) => [
    () => CumSum(gy, axis, { exclusive: node.attrs.exclusive, reverse: node.attrs.reverse ? 0 : 1 }),
    null,
  ],

  // --- shapes ---
  // The inverse permutation (the default reversal is its own inverse).
  Transpose: ({ node, gy }) => [
    () => {
      const perm = node.attrs.perm;
      if (!perm) return Transpose(gy);
      const inv = new Array<number>(perm.length);
      perm.forEach((p, i) => (inv[p] = i));
      return Transpose(gy, { perm: inv });
    },
  ],
  Reshape: ({ x: [a], gy }) => [() => Reshape(gy, shapeOf(a)), null],
  Unsqueeze: ({ x: [a], gy }) => [() => Reshape(gy, shapeOf(a)), null],
  Squeeze: ({ x: [a], gy }) => [() => Reshape(gy, shapeOf(a)), null],
  Concat: ({ node, x, gy }) => {
    const axis = normAxis(node.attrs.axis, x[0].requireShape('Concat gradient').length);
    const sizes = x.map((v) => v.shape![axis]);
    if (sizes.every((d) => typeof d === 'number')) {
      let at = 0;
      return (sizes as number[]).map((n) => {
        const start = at;
        at += n;
        return () => Slice(gy, [start], [start + n], [axis]);
      });
    }
    // Named dims: the offsets are computed in the graph from the inputs' shapes.
    const g = gy.graph;
    let offset = g.ints([0]);
    return x.map((v) => {
      const start = offset;
      const end = Add(start, Slice(Shape(v), [axis], [axis + 1]));
      offset = end;
      return () => Slice(gy, start, end, g.ints([axis]));
    });
  },
  Slice: ({ node, x: [a], gy }) => [() => Pad(gy, unslicePads(node, a))],
  // x's gradient is gy without the padding; the fill value's is the sum of gy over the padding.
  Pad: ({ node, x: [a], gy }) => {
    let cut: Value | undefined; // built once, whichever input asks first
    const inner = (): Value => (cut ??= unpad());
    const unpad = (): Value => {
      const pads = constInts(node.inputs[1]);
      if (!pads || (node.attrs.mode ?? 'constant') !== 'constant' || node.inputs[3]) {
        throw new Error('Pad gradient needs constant pads, constant mode and no axes input');
      }
      const r = a.requireShape('Pad gradient').length;
      const axes = Array.from({ length: r }, (_, i) => i);
      if (pads.some((p) => p < 0)) throw new Error('Pad gradient: negative pads are not supported');
      return Slice(gy, pads.slice(0, r), pads.slice(r).map((p) => (p === 0 ? INT_MAX : -p)), axes);
    };
    const total = (v: Value): Value => ReduceSum(v, undefined, { keepdims: 0 });
    const value = node.inputs[2];
    return [inner, null, value ? () => Reshape(Sub(total(gy), total(inner())), shapeOf(value)) : null, null];
  },
  Expand: ({ gy }) => [() => gy, null],
  Shape: none,
  Size: none,
  ConstantOfShape: none,
  Range: none,

  // --- indexing: gathers scatter their gradient back, adding up repeated indices ---
  Gather: ({ node, x: [data, idx], gy }) => [
    () => {
      const dims = staticDims(data, 'Gather');
      if (normAxis(node.attrs.axis ?? 0, dims.length) !== 0) throw new Error('Gather gradient is implemented for axis 0 only');
      return Reshape(segmentSum(wrapIds(idx, dims[0]), gy, dims[0], product(dims.slice(1))), dims);
    },
    null,
  ],
  // ScatterElements with 'add' was measured exact with repeated indices and 2 threads.
  GatherElements: ({ node, x: [data, idx], gy }) => [
    () => ScatterElements(zerosLike(data), idx, gy, { axis: node.attrs.axis ?? 0, reduction: 'add' }),
    null,
  ],
  // Index tuples become row numbers of the table seen as (prod(dims[:k]), prod(dims[k:])).
  GatherND: ({ node, x: [data, idx], gy }) => [
    () => {
      if (node.attrs.batch_dims) throw new Error('GatherND gradient: batch_dims is not supported');
      const dims = staticDims(data, 'GatherND');
      const k = idx.shape?.[idx.shape.length - 1];
      if (typeof k !== 'number') throw new Error('GatherND gradient needs a static last index axis');
      const lead = dims.slice(0, k);
      const strides = lead.map((_, j) => product(lead.slice(j + 1)));
      const row = ReduceSum(Mul(wrapIds(idx, data.graph.ints(lead)), data.graph.ints(strides)), [-1], { keepdims: 0 });
      return Reshape(segmentSum(row, gy, product(lead), product(dims.slice(k))), dims);
    },
    null,
  ],
  // Replaced positions get no gradient from data; added ones keep it.
  ScatterND: ({ node, x: [, idx, upd], gy }) => {
    const red = node.attrs.reduction ?? 'none';
    if (red !== 'none' && red !== 'add') throw new Error(`ScatterND gradient: reduction '${red}' is not supported`);
    return [() => (red === 'add' ? gy : ScatterND(gy, idx, zerosLike(upd))), null, () => GatherND(gy, idx)];
  },
  ScatterElements: ({ node, x: [, idx, upd], gy }) => {
    const red = node.attrs.reduction ?? 'none';
    const axis = node.attrs.axis ?? 0;
    if (red !== 'none' && red !== 'add') throw new Error(`ScatterElements gradient: reduction '${red}' is not supported`);
    return [
      () => (red === 'add' ? gy : ScatterElements(gy, idx, zerosLike(upd), { axis })),
      null,
      () => GatherElements(gy, idx, { axis }),
    ];
  },
};
