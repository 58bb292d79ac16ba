// TinyLMM as an ONNX graph: a small vision-language transformer written once, used by every graph
// (inference, log-probs, SFT loss, KV-cache decode, export). References for the shape of the code:
// nanoGPT's model.py (blocks, init), LLaMA (pre-norm RMSNorm, SwiGLU, RoPE), ViT (patch embedding),
// LLaVA / Qwen-VL (image features placed at <image> positions of the token sequence).
//
// Shapes: B batch, T tokens, L slots of a decoding cache, D width, H heads, hd = D / H,
// V vocabulary, N patch slots of an image, Dv vision width.
import type { ModelConfig } from './config.js';
import { IMAGE, IMAGE_ROW } from './tokenizer.js';
import {
  Add, And, Cast, Concat, CumSum, Div, Equal, Expand, Gather, Less, LessOrEqual, MatMul, Max, Mul, Range, ReduceMean, ReduceSum, Reshape,
  ShapeOf, Sigmoid, Slice, Softmax, Sqrt, Squeeze, Sub, Transpose, Unsqueeze, Where, Reciprocal,
  type DType, type Graph, type Value,
} from './ops.js';

/** Where weights come from: graph inputs (training, fresh weights each run) or baked initializers. */
export type Weights = (name: string) => Value;

export interface KV {
  k: Value; // (B, H, T or L, hd)
  v: Value; // (B, H, T or L, hd)
}

/**
 * A decoding cache of fixed capacity L, owned by the caller: every step reads it whole (bound without
 * copying) and returns only the new token's keys and values, which the caller writes into slot t.
 * The alternative, concatenating past and new keys in the graph, copied the whole cache in and out
 * on every step (measured: over half of a batch-256 step).
 */
export interface DecodeCache {
  kv: KV[]; // per layer, (B, H, L, hd)
  mask: Value; // int64 (B, L): 1 for slots holding a real token
}

export interface ForwardInputs {
  inputIds: Value; // int64 (B, T); T = 1 with a cache
  attentionMask?: Value; // int64 (B, T): 1 for real tokens, 0 for padding (not used with a cache)
  pixelValues?: Value; // (B, N, 3 p p), only when the config has vision and the step may see <image>
  cache?: DecodeCache;
}

export interface ForwardOutputs {
  hidden: Value; // (B, T, D), after the final norm
  present: KV[]; // per layer, (B, H, T, hd): this call's keys and values, for the caller's cache
}

// ---------------------------------------------------------------------------------------------
// building blocks

function rmsNorm(W: Weights, name: string, x: Value, eps: number): Value {
  // x / sqrt(mean(x^2) + eps) * w, over the last axis
  const ms = ReduceMean(Mul(x, x), [-1]); // (..., 1)
  return Mul(Mul(x, Reciprocal(Sqrt(Add(ms, eps)))), W(`${name}.weight`));
}

/**
 * GELU, tanh form: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), written as the identical
 * x * sigmoid(2 sqrt(2/pi) (x + 0.044715 x^3)) because that is 6 elementwise ops instead of 9, and
 * these memory-bound ops (with their gradients) were a quarter of a `tiny` train step. Float64
 * kernels exist for all of them (Erf has none), so gradient checks run in float64.
 */
function gelu(x: Value): Value {
  const a = 2 * Math.sqrt(2 / Math.PI);
  const inner = Mul(x, Add(Mul(Mul(x, x), a * 0.044715), a)); // a x + a 0.044715 x^3
  return Mul(x, Sigmoid(inner));
}

function mlp(c: ModelConfig, W: Weights, p: string, x: Value): Value {
  if (c.mlp === 'swiglu') {
    const gate = MatMul(x, W(`${p}.gate.weight`)); // (B, T, F)
    const silu = Mul(gate, Sigmoid(gate));
    return MatMul(Mul(silu, MatMul(x, W(`${p}.up.weight`))), W(`${p}.down.weight`));
  }
  return MatMul(gelu(MatMul(x, W(`${p}.up.weight`))), W(`${p}.down.weight`)); // (B, T, F) -> (B, T, D)
}

/** (..., T, D) -> (..., H, T, hd): (B, T, D) rows, or (G, N, T, D) for a group's continuations. */
function splitHeads(x: Value, h: number, hd: number): Value {
  const lead = x.rank! - 2;
  const keep = Array.from({ length: lead }, (_, i) => i);
  return Transpose(Reshape(x, [...keep.map(() => 0), 0, h, hd]), { perm: [...keep, lead + 1, lead, lead + 2] });
}
/** (..., H, T, hd) -> (..., T, D) */
function mergeHeads(x: Value, d: number): Value {
  const lead = x.rank! - 3;
  const keep = Array.from({ length: lead }, (_, i) => i);
  return Reshape(Transpose(x, { perm: [...keep, lead + 1, lead, lead + 2] }), [...keep.map(() => 0), 0, d]);
}

/** Rotary embedding on (..., H, T, hd) with cos/sin tables already gathered to (..., 1, T, hd/2). */
function rope(x: Value, cos: Value, sin: Value, hd: number): Value {
  const x1 = Slice(x, [0], [hd / 2], [-1]); // (..., H, T, hd/2)
  const x2 = Slice(x, [hd / 2], [hd], [-1]);
  return Concat([Sub(Mul(x1, cos), Mul(x2, sin)), Add(Mul(x1, sin), Mul(x2, cos))], { axis: -1 });
}

interface AttnContext {
  nHeads: number;
  bias: Value | null; // additive mask (B, 1, T, T), or over the cache (B, 1, 1, L); null: all see all (vision)
  rope: { cos: Value; sin: Value } | null;
  cache?: KV; // (B, H, L, hd): attend to these slots (masked by `bias`) and to the token itself
  /**
   * Continuation rows of prompt groups, x (G, N, T, D): each row attends to its group's prompt keys
   * and values, (G, 1, H, P, hd) broadcast to `expandTo` = (G, N, H, P, hd), then to its own tokens;
   * `bias` is then (G, N, 1, T, P + T).
   */
  prefix?: KV & { expandTo: Value };
}

/** Queries, keys and values of (already normed) x, split into heads, rotated where the model uses RoPE. */
function projectQKV(W: Weights, p: string, x: Value, d: number, ctx: Pick<AttnContext, 'nHeads' | 'rope'>): { q: Value; k: Value; v: Value } {
  const hd = d / ctx.nHeads;
  let q = splitHeads(MatMul(x, W(`${p}.q.weight`)), ctx.nHeads, hd); // (B, H, T, hd)
  let k = splitHeads(MatMul(x, W(`${p}.k.weight`)), ctx.nHeads, hd);
  const v = splitHeads(MatMul(x, W(`${p}.v.weight`)), ctx.nHeads, hd);
  if (ctx.rope) {
    q = rope(q, ctx.rope.cos, ctx.rope.sin, hd);
    k = rope(k, ctx.rope.cos, ctx.rope.sin, hd);
  }
  return { q, k, v };
}

function attention(W: Weights, p: string, x: Value, d: number, ctx: AttnContext): { out: Value; kv: KV } {
  const hd = d / ctx.nHeads;
  const { q: q0, k, v } = projectQKV(W, p, x, d, ctx);
  const q = Mul(q0, 1 / Math.sqrt(hd));
  let y: Value;
  if (ctx.cache) {
    // One new token: scores over the cache slots (B, H, 1, L) and over itself (B, H, 1, 1).
    const sCache = Add(MatMul(q, Transpose(ctx.cache.k, { perm: [0, 1, 3, 2] })), ctx.bias!);
    const sSelf = ReduceSum(Mul(q, k), [3]); // (B, H, 1, 1)
    const probs = Softmax(Concat([sCache, sSelf], { axis: 3 }), { axis: -1 }); // (B, H, 1, L + 1)
    const pCache = Slice(probs, [0], [-1], [3]); // (B, H, 1, L)
    const pSelf = Slice(probs, [-1], [Number.MAX_SAFE_INTEGER], [3]); // (B, H, 1, 1)
    y = Add(MatMul(pCache, ctx.cache.v), Mul(pSelf, v)); // (B, H, 1, hd)
  } else if (ctx.prefix) {
    // Keys and values: the group's prompt, then the row's own tokens (G, N, H, P + T, hd). The copy is
    // of keys, not of scores: a row's scores are (T, P + T), where a row holding its prompt has (P + T)^2.
    const keys = Concat([Expand(ctx.prefix.k, ctx.prefix.expandTo), k], { axis: 3 });
    const values = Concat([Expand(ctx.prefix.v, ctx.prefix.expandTo), v], { axis: 3 });
    const scores = Add(MatMul(q, Transpose(keys, { perm: [0, 1, 2, 4, 3] })), ctx.bias!); // (G, N, H, T, P + T)
    y = MatMul(Softmax(scores, { axis: -1 }), values); // (G, N, H, T, hd)
  } else {
    let scores = MatMul(q, Transpose(k, { perm: [0, 1, 3, 2] })); // (B, H, T, T)
    if (ctx.bias) scores = Add(scores, ctx.bias);
    y = MatMul(Softmax(scores, { axis: -1 }), v); // (B, H, T, hd)
  }
  return { out: MatMul(mergeHeads(y, d), W(`${p}.o.weight`)), kv: { k, v } };
}

/** The keys and values a block's attention makes of x: all that is needed of a prompt's last layer. */
function blockKV(c: ModelConfig, W: Weights, p: string, x: Value, d: number, ctx: AttnContext): KV {
  const { k, v } = projectQKV(W, `${p}.attn`, rmsNorm(W, `${p}.attn_norm`, x, c.normEps), d, ctx);
  return { k, v };
}

/** Pre-norm block: x + attn(norm(x)), then x + mlp(norm(x)). */
function block(c: ModelConfig, W: Weights, p: string, x: Value, d: number, ctx: AttnContext): { x: Value; kv: KV } {
  const a = attention(W, `${p}.attn`, rmsNorm(W, `${p}.attn_norm`, x, c.normEps), d, ctx);
  const h = Add(x, a.out);
  return { x: Add(h, mlp(c, W, `${p}.mlp`, rmsNorm(W, `${p}.mlp_norm`, h, c.normEps))), kv: a.kv };
}

// ---------------------------------------------------------------------------------------------
// vision tower

/**
 * pixel_values (B, N, 3 p p) -> image features (B, N, D) in the decoder's width. Row b holds `count[b]`
 * real patches of a grid `cols[b]` wide, row-major (./image.ts), then zero padding. Each patch gets
 * the embeddings of its grid row and column, so one set of weights reads images of any shape (2D
 * positions, as Qwen2-VL's vision tower has them); padding patches are masked out as keys.
 */
export function visionEncoder(c: ModelConfig, W: Weights, pixels: Value, count: Value, cols: Value): Value {
  const v = c.vision!;
  const k = Unsqueeze(patchIndices(pixels), [0]); // (1, N)
  const row = Div(k, cols); // (B, N): integer division
  const col = Sub(k, Mul(row, cols));
  let h = Add(MatMul(pixels, W('vision.patch.weight')), W('vision.patch.bias')); // (B, N, Dv)
  h = Add(h, Add(Gather(W('vision.row.weight'), row), Gather(W('vision.col.weight'), col)));
  const bias = maskBias(Unsqueeze(Less(k, count), [1, 2]), pixels.dtype); // (B, 1, 1, N)
  for (let i = 0; i < v.nLayers; i++) {
    h = block(c, W, `vision.layers.${i}`, h, v.dModel, { nHeads: v.nHeads, bias, rope: null }).x;
  }
  h = rmsNorm(W, 'vision.norm', h, c.normEps);
  return Add(MatMul(h, W('vision.proj.weight')), W('vision.proj.bias')); // (B, N, D)
}

/** 0 .. N-1 for the N patch slots of a (B, N, 3 p p) pixel batch. */
function patchIndices(pixels: Value): Value {
  const g = pixels.graph;
  return Range(g.scalar(0, 'int64'), scalarOf(ShapeOf(pixels, { start: 1, end: 2 })), g.scalar(1, 'int64'));
}

/**
 * Token embeddings with image features at <image> positions: the k-th <image> token of a row takes
 * patch k of that row's image. The grid's width is read off the tokens (patches / rows, each row
 * closed by <image_row>), so the graph takes no input beyond ids and pixels. The selection is a
 * one-hot (B, T, N) matrix times the features, and a Where picks it only at <image> positions, so
 * text-only rows never see pixel values at all.
 */
function embedTokens(c: ModelConfig, W: Weights, ids: Value, pixels: Value | undefined, dtype: DType): Value {
  const tok = Gather(W('embed.weight'), ids); // (B, T, D)
  if (!c.vision || !pixels) return tok;
  const isImage = Equal(ids, IMAGE); // (B, T) bool
  const patches = ReduceSum(Cast(isImage, 'int64'), [1]); // (B, 1)
  const rows = ReduceSum(Cast(Equal(ids, IMAGE_ROW), 'int64'), [1]); // (B, 1)
  const cols = Max(Div(patches, Max(rows, 1)), 1); // (B, 1); 1 for a text row, never a division by 0
  const ordinal = Sub(CumSum(Cast(isImage, 'int64'), 1), 1); // (B, T): k for the k-th <image> token
  const onehot = And(Equal(Unsqueeze(ordinal, [2]), patchIndices(pixels)), Unsqueeze(isImage, [2])); // (B, T, N)
  const img = MatMul(Cast(onehot, dtype), visionEncoder(c, W, pixels, patches, cols)); // (B, T, D)
  return Where(Unsqueeze(isImage, [2]), img, tok);
}

// ---------------------------------------------------------------------------------------------
// decoder

/** Scalar int64 from a 1-element int64 tensor, as Range wants. */
const scalarOf = (x: Value): Value => Squeeze(x, [0]);

/** 0 where allowed, -1e9 elsewhere: -1e9 rather than -inf keeps a fully padded row finite, not NaN. */
const maskBias = (allowed: Value, dtype: DType): Value => Where(allowed, allowed.graph.scalar(0, dtype), allowed.graph.scalar(-1e9, dtype));

/**
 * Positions and the additive causal + padding bias, from the attention mask alone (no extra inputs,
 * so the exported graph takes exactly input_ids and attention_mask). A token's position counts the
 * real tokens before it, so left padding (used for batched generation) does not shift positions.
 */
function positionsAndBias(ids: Value, mask: Value, dtype: DType): { positions: Value; bias: Value } {
  const g = ids.graph;
  const positions = Max(Sub(CumSum(mask, 1), 1), 0); // (B, T)
  const idx = Range(g.scalar(0, 'int64'), scalarOf(ShapeOf(ids, { start: 1, end: 2 })), g.scalar(1, 'int64')); // (T)
  const causal = LessOrEqual(Unsqueeze(idx, [0]), Unsqueeze(idx, [1])); // (T, T): key <= query
  const keyOk = Unsqueeze(Equal(mask, 1), [1, 2]); // (B, 1, 1, T)
  return { positions, bias: maskBias(And(Unsqueeze(causal, [0, 1]), keyOk), dtype) }; // (B, 1, T, T)
}

/** With a cache: the new token's position is the number of real tokens cached before it. */
function cachePositionsAndBias(cacheMask: Value, dtype: DType): { positions: Value; bias: Value } {
  const positions = ReduceSum(cacheMask, [1]); // (B, 1)
  return { positions, bias: maskBias(Unsqueeze(Equal(cacheMask, 1), [1, 2]), dtype) }; // (B, 1, 1, L)
}

/** cos/sin tables (maxSeqLen, hd/2) as constants, gathered at `positions` (..., T) to (..., 1, T, hd/2). */
function ropeTables(c: ModelConfig, positions: Value, dtype: DType): { cos: Value; sin: Value } {
  const hd = c.dModel / c.nHeads;
  const half = hd / 2;
  const n = c.maxSeqLen * half;
  const cos = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  const sin = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let pos = 0; pos < c.maxSeqLen; pos++) {
    for (let i = 0; i < half; i++) {
      const angle = pos / Math.pow(c.ropeBase, (2 * i) / hd);
      cos[pos * half + i] = Math.cos(angle);
      sin[pos * half + i] = Math.sin(angle);
    }
  }
  const g = positions.graph;
  const table = (data: Float32Array | Float64Array): Value =>
    Unsqueeze(Gather(g.constant({ dtype, dims: [c.maxSeqLen, half], data } as Parameters<Graph['constant']>[0]), positions), [positions.rank! - 1]);
  return { cos: table(cos), sin: table(sin) };
}

/** The whole decoder: embeddings (+ image features), blocks with optional KV cache, final norm. */
export function forward(c: ModelConfig, W: Weights, inp: ForwardInputs, dtype: DType): ForwardOutputs {
  const { positions, bias } = inp.cache
    ? cachePositionsAndBias(inp.cache.mask, dtype)
    : positionsAndBias(inp.inputIds, inp.attentionMask!, dtype);
  let x = embedTokens(c, W, inp.inputIds, inp.pixelValues, dtype); // (B, T, D)
  if (c.positions === 'learned') x = Add(x, Gather(W('pos.weight'), positions));
  const ropeCtx = c.positions === 'rope' ? ropeTables(c, positions, dtype) : null;
  const present: KV[] = [];
  for (let i = 0; i < c.nLayers; i++) {
    const r = block(c, W, `layers.${i}`, x, c.dModel, { nHeads: c.nHeads, bias, rope: ropeCtx, cache: inp.cache?.kv[i] });
    x = r.x;
    present.push(r.kv);
  }
  return { hidden: rmsNorm(W, 'final_norm', x, c.normEps), present };
}

export interface GroupedInputs {
  /** int64 (G, P): each group's prompt without its last token, left-padded. */
  prefixIds: Value;
  prefixMask: Value;
  /** int64 (G, N, T): the prompt's last token, then one response, right-padded. */
  inputIds: Value;
  attentionMask: Value;
  /** (G, N, 3 p p): the group's image, when its prompt has one. */
  pixelValues?: Value;
}

/**
 * The decoder over prompt groups: G prompts, each continued by N responses (RL samples n answers
 * per prompt). A prompt runs once for its group and its responses attend to its keys and values,
 * where a batch of whole rows would run it N times, and the attention of a row costs T (P + T)
 * instead of (P + T)^2. Returns the final hidden states of the continuations, (G, N, T, D): position
 * t predicts token t + 1, and position 0, the prompt's last token, predicts the response's first.
 * Mathematically the rows' `forward`; numerically equal to rounding (other shapes, other sums).
 */
export function forwardGrouped(c: ModelConfig, W: Weights, inp: GroupedInputs, dtype: DType): Value {
  const g = inp.inputIds.graph;
  const hd = c.dModel / c.nHeads;
  // The prompts: an ordinary left-padded batch of G rows.
  const pre = positionsAndBias(inp.prefixIds, inp.prefixMask, dtype);
  let xp = embedTokens(c, W, inp.prefixIds, inp.pixelValues, dtype); // (G, P, D)
  if (c.positions === 'learned') xp = Add(xp, Gather(W('pos.weight'), pre.positions));
  const preCtx: AttnContext = { nHeads: c.nHeads, bias: pre.bias, rope: c.positions === 'rope' ? ropeTables(c, pre.positions, dtype) : null };

  // The continuations: positions go on from the prompt's real length (responses never hold <image>).
  const promptLen = Unsqueeze(ReduceSum(inp.prefixMask, [1]), [2]); // (G, 1, 1)
  const positions = Add(promptLen, Sub(CumSum(inp.attentionMask, 2), 1)); // (G, N, T)
  let x = Gather(W('embed.weight'), inp.inputIds); // (G, N, T, D)
  if (c.positions === 'learned') x = Add(x, Gather(W('pos.weight'), positions));
  // A row sees the real tokens of its prompt, then its own tokens causally.
  const T = ShapeOf(inp.inputIds, { start: 2, end: 3 });
  const P = ShapeOf(inp.prefixIds, { start: 1, end: 2 });
  const GN = ShapeOf(inp.inputIds, { start: 0, end: 2 });
  const idx = Range(g.scalar(0, 'int64'), scalarOf(T), g.scalar(1, 'int64')); // (T)
  const causal = Unsqueeze(LessOrEqual(Unsqueeze(idx, [0]), Unsqueeze(idx, [1])), [0, 1, 2]); // (1, 1, 1, T, T)
  const own = And(causal, Unsqueeze(Equal(inp.attentionMask, 1), [2, 3])); // (G, N, 1, T, T)
  const prompt = Expand(Unsqueeze(Equal(inp.prefixMask, 1), [1, 2, 3]), Concat([GN, g.ints([1]), T, P], { axis: 0 })); // (G, N, 1, T, P)
  const ctx: AttnContext = { nHeads: c.nHeads, bias: maskBias(Concat([prompt, own], { axis: 4 }), dtype), rope: c.positions === 'rope' ? ropeTables(c, positions, dtype) : null };
  const expandTo = Concat([GN, g.ints([c.nHeads]), P, g.ints([hd])], { axis: 0 });

  for (let i = 0; i < c.nLayers; i++) {
    const p = `layers.${i}`;
    // The prompt's last layer is needed for its keys and values only.
    let kv: KV;
    if (i < c.nLayers - 1) {
      const r = block(c, W, p, xp, c.dModel, preCtx);
      xp = r.x;
      kv = r.kv;
    } else kv = blockKV(c, W, p, xp, c.dModel, preCtx);
    x = block(c, W, p, x, c.dModel, { ...ctx, prefix: { k: Unsqueeze(kv.k, [1]), v: Unsqueeze(kv.v, [1]), expandTo } }).x;
  }
  return rmsNorm(W, 'final_norm', x, c.normEps);
}

/** Tied LM head: hidden (B, T, D) @ embed^T -> logits (B, T, V). */
export const lmHead = (W: Weights, hidden: Value): Value => MatMul(hidden, Transpose(W('embed.weight'), { perm: [1, 0] }));

/** Scalar value per position: (..., T, D) -> (..., T). */
export const valueHead = (W: Weights, hidden: Value): Value =>
  Squeeze(Add(MatMul(hidden, W('value_head.weight')), W('value_head.bias')), [hidden.rank! - 1]);
