// Every op the builder knows, with its ONNX attributes typed once (tensor-valued parameters such as
// `axes` or `shape` are inputs since opset 13/18 and appear in the builder signatures instead).
// Adding an op here makes the autodiff table (training/autodiff/rules.ts) fail to compile until the
// op gets a gradient rule, which is the point.
import type { DType, HostTensor } from './dtype.js';

type Flag = 0 | 1;
type None = Record<string, never>;
type Reduce = { keepdims?: Flag; noop_with_empty_axes?: Flag };
type Reduction = 'none' | 'add' | 'mul' | 'max' | 'min';

export interface OpAttrs {
  // linear algebra
  MatMul: None;
  Trilu: { upper?: Flag };
  // elementwise arithmetic
  Add: None;
  Sub: None;
  Mul: None;
  Div: None;
  Pow: None;
  Neg: None;
  Exp: None;
  Log: None;
  Sqrt: None;
  Tanh: None;
  Erf: None;
  Sigmoid: None;
  Relu: None;
  Reciprocal: None;
  Abs: None;
  Sign: None;
  Identity: None;
  Max: None;
  Min: None;
  Where: None;
  Cast: { to: DType };
  // comparisons and logic
  Equal: None;
  Less: None;
  Greater: None;
  LessOrEqual: None;
  GreaterOrEqual: None;
  Not: None;
  And: None;
  Or: None;
  // reductions and normalisers
  ReduceSum: Reduce;
  ReduceMean: Reduce;
  ReduceMax: Reduce;
  ArgMax: { axis?: number; keepdims?: Flag; select_last_index?: Flag };
  Softmax: { axis?: number };
  LogSoftmax: { axis?: number };
  CumSum: { exclusive?: Flag; reverse?: Flag };
  // shapes
  Transpose: { perm?: number[] };
  Reshape: { allowzero?: Flag };
  Unsqueeze: None;
  Squeeze: None;
  Concat: { axis: number };
  Slice: None;
  Pad: { mode?: 'constant' | 'reflect' | 'edge' };
  Expand: None;
  Shape: { start?: number; end?: number };
  Size: None;
  ConstantOfShape: { value?: HostTensor };
  Range: None;
  // indexing
  Gather: { axis?: number };
  GatherElements: { axis?: number };
  GatherND: { batch_dims?: number };
  ScatterND: { reduction?: Reduction };
  ScatterElements: { axis?: number; reduction?: Reduction };
}

export type OpType = keyof OpAttrs;

/** Attribute names whose numbers are FLOAT in ONNX (all other numbers are INT). */
export const floatAttrNames: ReadonlySet<string> = new Set(['alpha', 'beta', 'epsilon', 'gamma']);
