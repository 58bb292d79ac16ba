// The engine: a typed builder over standard ONNX ops, serialised to ONNX and run by ONNX Runtime.
//
// Build, run, dispose:
//
//   import { Graph, MatMul, Add, Softmax, createSession, tensor } from '../engine/index.js';
//   const g = new Graph('mlp');
//   const x = g.input('x', 'float32', ['batch', 4]);          // named symbolic dim + static dim
//   const w = g.input('w', 'float32', [4, 3]);                // parameters are inputs...
//   const b = g.initializer('b', tensor('float32', [0, 0, 0], [3]));  // ...or baked initializers
//   g.output(Softmax(Add(MatMul(x, w), b), { axis: -1 }), 'probs');
//   const s = await createSession(g, { threads: 2 });         // once per graph; device: 'cuda' too
//   const { probs } = await s.run({ x: tensor('float32', xs, [2, 4]), w: tensor('float32', ws, [4, 3]) });
//   // probs.data: Float32Array, probs.dims: [2, 3]
//   await s.dispose();
//
// Numbers are accepted as operands of elementwise ops (`Mul(x, 0.5)`) and become scalar constants
// of the other operand's dtype; axes/shapes/starts are passed as number arrays (or int64 Values).
// Builders are named exactly as the ONNX op types and take the ONNX attributes as a typed object.
//
// Gradients and optimizers are not here: they live a floor above, with training. A gradient graph
// is only more nodes of these same ops, appended to the loss's graph by the autodiff, and an
// optimizer step is arithmetic on the Float32Arrays that feed the graphs; neither needs anything of
// the engine beyond building and running graphs. So the engine knows nothing of either, and what
// never trains (sampling, the server, ONNX export) carries none of it; training imports the engine,
// never the reverse.
//
// Float64 graphs (gradient checks) run with ORT's 'basic' optimisations: its fusions have float32
// kernels only. Erf has no float64 kernel at all.
export type { OpAttrs, OpType } from './attrs.js';
export * from './dtype.js';
export { Graph, Value, type Dim, type Dims, type Node } from './graph.js';
export { broadcastShapes, normAxis, constInts, knownDims, staticSize, sameShape, UNKNOWN } from './shape.js';
export * from './ops/elementwise.js';
export * from './ops/linalg.js';
export * from './ops/reduce.js';
export * from './ops/shape-ops.js';
export * from './ops/indexing.js';
export type { Operand } from './ops/common.js';
export { toOnnx, OPSET } from './serialize.js';
export { measurePeakMatmulGflops, type MatmulPeak } from './bench-matmul.js';
export { EngineSession, createSession, cudaProviderInstalled, CUDA_INSTALL_HINT, type Device, type SessionOptions, type Feeds, type Outputs } from './runtime.js';
export { fastAllocatorActive, warnWithoutFastAllocator, FAST_ALLOCATOR_ENV } from './allocator.js';
