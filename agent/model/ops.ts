// The engine ops TinyLMM uses, gathered in one import so the model files read like the math.
export { Graph, Value } from '../engine/index.js';
export type { Dim, Dims } from '../engine/index.js';
export type { DType, HostTensor } from '../engine/index.js';
export { Add, Sub, Mul, Div, Neg, Exp, Log, Sqrt, Tanh, Sigmoid, Max, Where, Cast, Equal, Less, LessOrEqual, And, Reciprocal } from '../engine/index.js';
export { MatMul } from '../engine/index.js';
export { ReduceSum, ReduceMean, LogSoftmax, Softmax, CumSum } from '../engine/index.js';
export { Transpose, Reshape, Unsqueeze, Squeeze, Concat, Slice, Expand, Shape as ShapeOf, Range } from '../engine/index.js';
export { Gather, GatherElements } from '../engine/index.js';
