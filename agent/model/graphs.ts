// The graphs built from model.ts. Each takes the parameters either as graph inputs (named exactly as
// the parameters, so training and sampling share one set of Float32Arrays) or baked in as
// initializers (export, and sampling sessions where prepacked weights measure faster).
//
//   logits    input_ids, attention_mask[, pixel_values] -> logits (B, T, V)
//   logprobs  same inputs -> logprobs (B, T-1): log p(ids[t+1] | ids[..t]); values (B, T) if asked
//   grouped   prefix_ids, prefix_mask (G, P), input_ids, attention_mask (G, N, T)[, pixel_values (G, ...)]
//             -> logprobs (G N, T-1) of each response token; values (G N, T-1) where each is chosen
//   sft       same inputs + loss_mask (B, T) -> loss: mean next-token NLL over masked targets
//   prefill   same inputs -> last_logits (B, V), then per layer keys, values (B, H, T, hd)
//   step      input_ids (B, 1), cache_mask (B, L), cache.i.k / cache.i.v (B, H, L, hd)
//             -> last_logits (B, V), then per layer the new token's keys, values (B, H, 1, hd)
import type { ModelConfig } from './config.js';
import { forward, forwardGrouped, lmHead, valueHead, type DecodeCache, type Weights } from './model.js';
import { parameterSpecs, type Params } from './params.js';
import {
  Concat, Div, GatherElements, Graph, LogSoftmax, Max, Mul, Neg, ReduceSum, Reshape, ShapeOf, Slice, Squeeze, Unsqueeze,
  type DType, type Value,
} from './ops.js';

export type FloatType = 'float32' | 'float64';

export interface GraphOptions {
  dtype?: FloatType;
  /** Bake these parameter values into the graph instead of taking parameters as inputs. */
  bake?: Params;
  /** Give the graph a pixel_values input (default: whenever the config has vision). */
  vision?: boolean;
}

export interface BuiltGraph {
  graph: Graph;
  /** Parameter inputs by name (empty when baked), for autodiff. */
  params: Map<string, Value>;
  inputs: { inputIds: Value; attentionMask?: Value; pixelValues?: Value };
}

function toDtype(data: Float32Array, dtype: FloatType): Float32Array | Float64Array {
  return dtype === 'float64' ? Float64Array.from(data) : data;
}

/** The parameters of graph `g` as inputs (or baked initializers), made on first use. */
function weightSource(c: ModelConfig, g: Graph, opts: GraphOptions, dtype: FloatType): { W: Weights; params: Map<string, Value> } {
  const params = new Map<string, Value>();
  const specs = parameterSpecs(c);
  const W: Weights = (pname) => {
    let v = params.get(pname);
    if (v) return v;
    const spec = specs.get(pname);
    if (!spec) throw new Error(`model graph asked for unknown parameter ${pname}`);
    if (opts.bake) {
      const t = opts.bake.get(pname);
      if (!t) throw new Error(`baking: parameter ${pname} missing`);
      v = g.initializer(pname, { dtype, dims: t.shape, data: toDtype(t.data, dtype) } as Parameters<Graph['initializer']>[1]);
    } else v = g.input(pname, dtype, spec.shape);
    params.set(pname, v);
    return v;
  };
  return { W, params };
}

/** A graph with the model's inputs and a weight source; shared start of every graph below. */
export function startGraph(c: ModelConfig, name: string, opts: GraphOptions = {}, seq: string | number = 'seq'): BuiltGraph & { W: Weights; dtype: FloatType } {
  const dtype = opts.dtype ?? 'float32';
  const g = new Graph(name);
  const { W, params } = weightSource(c, g, opts, dtype);
  const inputIds = g.input('input_ids', 'int64', ['batch', seq]);
  // A decode step reads its mask from the cache instead.
  const attentionMask = seq === 1 ? undefined : g.input('attention_mask', 'int64', ['batch', seq]);
  const withVision = (opts.vision ?? true) && !!c.vision;
  const pixelValues = withVision ? g.input('pixel_values', dtype, ['batch', 'patches', 3 * c.vision!.patchSize ** 2]) : undefined;
  return { graph: g, params: opts.bake ? new Map() : params, inputs: { inputIds, attentionMask, pixelValues }, W, dtype };
}

/** log p(ids[t+1] | ids[..t]) for t = 0..T-2: (B, T, V) logits -> (B, T-1). */
export function tokenLogprobs(logits: Value, inputIds: Value): Value {
  const lp = LogSoftmax(Slice(logits, [0], [-1], [1]), { axis: -1 }); // (B, T-1, V)
  const targets = Unsqueeze(Slice(inputIds, [1], [Number.MAX_SAFE_INTEGER], [1]), [2]); // (B, T-1, 1)
  return Squeeze(GatherElements(lp, targets, { axis: 2 }), [2]); // (B, T-1)
}

export function buildLogitsGraph(c: ModelConfig, opts: GraphOptions = {}): BuiltGraph {
  const b = startGraph(c, 'tinylmm_logits', opts);
  const { hidden } = forward(c, b.W, b.inputs, b.dtype);
  b.graph.output(lmHead(b.W, hidden), 'logits');
  return b;
}

export interface LogprobGraph extends BuiltGraph {
  logprobs: Value; // (B, W): W = T-1 for whole rows, the response length for prompt groups
  values?: Value; // (B, T) for whole rows
  /** The value where each log-prob's token is chosen, (B, W) like `logprobs` (PPO's baseline). */
  actionValues?: Value;
}

/** Graph (a): per-token log-probs for padded batches (+ value head), the base of every RL loss. */
export function buildLogprobGraph(c: ModelConfig, opts: GraphOptions & { values?: boolean } = {}): LogprobGraph {
  const b = startGraph(c, 'tinylmm_logprobs', opts);
  const { hidden } = forward(c, b.W, b.inputs, b.dtype);
  const logprobs = tokenLogprobs(lmHead(b.W, hidden), b.inputs.inputIds);
  b.graph.output(logprobs, 'logprobs');
  let values: Value | undefined;
  if (opts.values) {
    if (!c.valueHead) throw new Error('this config has no value head (valueHead: false)');
    values = valueHead(b.W, hidden);
    b.graph.output(values, 'values');
  }
  return { ...b, logprobs, values, actionValues: values && Slice(values, [0], [-1], [1]) };
}

/**
 * Graph (a) over prompt groups (forwardGrouped): the same log-probs and values, computed with each
 * prompt once. Output row g N + i is response i of group g, column j its token j (the prompt's last
 * token comes first in each continuation row and is not scored).
 */
export function buildGroupedLogprobGraph(c: ModelConfig, opts: Omit<GraphOptions, 'bake'> & { values?: boolean } = {}): LogprobGraph {
  const dtype = opts.dtype ?? 'float32';
  const g = new Graph('tinylmm_grouped_logprobs');
  const { W, params } = weightSource(c, g, opts, dtype);
  const prefixIds = g.input('prefix_ids', 'int64', ['groups', 'prefix']);
  const prefixMask = g.input('prefix_mask', 'int64', ['groups', 'prefix']);
  const inputIds = g.input('input_ids', 'int64', ['groups', 'n', 'cont']);
  const attentionMask = g.input('attention_mask', 'int64', ['groups', 'n', 'cont']);
  const pixelValues = (opts.vision ?? true) && c.vision ? g.input('pixel_values', dtype, ['groups', 'patches', 3 * c.vision.patchSize ** 2]) : undefined;
  const hidden = forwardGrouped(c, W, { prefixIds, prefixMask, inputIds, attentionMask, pixelValues }, dtype); // (G, N, T, D)
  // (G, N, W) -> (G N, W)
  const rows = (x: Value) => Reshape(x, Concat([g.ints([-1]), ShapeOf(x, { start: 2, end: 3 })], { axis: 0 }));
  const lp = LogSoftmax(Slice(lmHead(W, hidden), [0], [-1], [2]), { axis: -1 }); // (G, N, T-1, V)
  const targets = Unsqueeze(Slice(inputIds, [1], [Number.MAX_SAFE_INTEGER], [2]), [3]); // (G, N, T-1, 1)
  const logprobs = rows(Squeeze(GatherElements(lp, targets, { axis: 3 }), [3]));
  g.output(logprobs, 'logprobs');
  let actionValues: Value | undefined;
  if (opts.values) {
    if (!c.valueHead) throw new Error('this config has no value head (valueHead: false)');
    actionValues = rows(Slice(valueHead(W, hidden), [0], [-1], [2]));
    g.output(actionValues, 'values');
  }
  return { graph: g, params, inputs: { inputIds, attentionMask, pixelValues }, logprobs, actionValues };
}

export interface SftGraph extends BuiltGraph {
  loss: Value; // scalar
  lossMask: Value; // (B, T) input
}

/**
 * Graph (b): next-token cross-entropy. loss_mask[b, t] = 1 trains the prediction of ids[b, t] from
 * the tokens before it (so position 0 is ignored); the loss is the mean over trained targets.
 */
export function buildSftGraph(c: ModelConfig, opts: GraphOptions = {}): SftGraph {
  const b = startGraph(c, 'tinylmm_sft', opts);
  const lossMask = b.graph.input('loss_mask', b.dtype, ['batch', 'seq']);
  const { hidden } = forward(c, b.W, b.inputs, b.dtype);
  const lp = tokenLogprobs(lmHead(b.W, hidden), b.inputs.inputIds); // (B, T-1)
  const m = Slice(lossMask, [1], [Number.MAX_SAFE_INTEGER], [1]); // (B, T-1)
  const total = ReduceSum(Neg(Mul(lp, m)), undefined, { keepdims: 0 });
  const count = Max(ReduceSum(m, undefined, { keepdims: 0 }), 1);
  const loss = Div(total, count);
  b.graph.output(loss, 'loss');
  return { ...b, loss, lossMask };
}

export interface DecodeGraph extends BuiltGraph {
  cache?: DecodeCache;
}

/**
 * Graph (c): KV-cache decoding. `past: false` is the prefill (whole prompt, image included), whose
 * keys and values fill the caller's cache; `past: true` is one step (a single new token per row,
 * no image: sampling never emits <image>) against a cache of fixed capacity (see DecodeCache).
 * Only the last position's logits come back, so a step copies (B, V) rather than (B, T, V).
 */
export function buildDecodeGraph(c: ModelConfig, opts: GraphOptions & { past: boolean }): DecodeGraph {
  const hd = c.dModel / c.nHeads;
  const b = startGraph(c, opts.past ? 'tinylmm_step' : 'tinylmm_prefill', { ...opts, vision: !opts.past && (opts.vision ?? true) }, opts.past ? 1 : 'seq');
  const dtype: DType = b.dtype;
  let cache: DecodeCache | undefined;
  if (opts.past) {
    const kv = Array.from({ length: c.nLayers }, (_, i) => ({
      k: b.graph.input(`cache.${i}.k`, dtype, ['batch', c.nHeads, 'cache', hd]),
      v: b.graph.input(`cache.${i}.v`, dtype, ['batch', c.nHeads, 'cache', hd]),
    }));
    cache = { kv, mask: b.graph.input('cache_mask', 'int64', ['batch', 'cache']) };
  }
  const { hidden, present } = forward(c, b.W, { ...b.inputs, cache }, dtype);
  const last = Slice(hidden, [-1], [Number.MAX_SAFE_INTEGER], [1]); // (B, 1, D)
  b.graph.output(Squeeze(lmHead(b.W, last), [1]), 'last_logits'); // (B, V)
  // Keys and values keep the names of the nodes that make them: renaming a graph output costs an
  // Identity copy, which for a prefill is the whole prompt cache. Callers read them by position:
  // outputs 1 + 2i and 2 + 2i are layer i's keys and values, (B, H, T, hd).
  for (const kv of present) {
    b.graph.output(kv.k);
    b.graph.output(kv.v);
  }
  return { ...b, cache };
}
