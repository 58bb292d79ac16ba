// Batched sampling with a KV cache: one prefill over the left-padded prompts (image included), then
// one graph run per new token for the whole batch. Temperature, top-p, greedy, per-row stop tokens and
// stop strings, per-row seeded generators (a row's output does not depend on its batch neighbours).
import seedrandom from 'seedrandom';
import type { ChatMessage } from './chat.js';
import { padBatch } from './batch.js';
import type { RGBAImage } from './image.js';
import { KVCache } from './kv-cache.js';
import { EOS, IM_END, IMAGE, PAD } from './tokenizer.js';
import type { TinyLMM } from './tinylmm.js';

export interface GenerateOptions {
  /** Token rows (images already expanded), or `prompts` to encode. */
  inputIds?: number[][];
  /** (B, 3, H, W) for `inputIds` rows with <image> tokens. */
  pixelValues?: Float32Array;
  prompts?: Array<string | ChatMessage[]>;
  /** Images for string prompts (chat prompts carry theirs). */
  images?: Array<RGBAImage | null>;
  maxNewTokens?: number;
  /** 0 means greedy. Default 1. */
  temperature?: number;
  /** Nucleus sampling mass in (0, 1]. Default 1 (off). */
  topP?: number;
  greedy?: boolean;
  seed?: number | string;
  /** Stop after any of these tokens (kept in the output). One list for all rows or one per row. Default: end and <|im_end|>. */
  stopTokens?: number[] | number[][];
  /**
   * Stop once the text contains any of these (kept in the output, with the rest of the token that
   * completes it: "answer>" stops at a `</answer>` token). One list for all rows or one per row.
   */
  stopStrings?: string[] | string[][];
  /** Sample from sessions with the weights baked in (faster at large batch; rebuilt after paramsUpdated()). */
  bakeWeights?: boolean;
}

export interface Generation {
  /** New tokens only, including the stop token or stop string that ended the row. */
  tokens: number[];
  /** Decoded new tokens, without a final end / <|im_end|> token. */
  text: string;
  /** log p(token) under the model at temperature 1 (no top-p), the quantity RL ratios need. */
  logprobs: number[];
  finishReason: 'stop' | 'length';
}

const perRow = <T>(v: T[] | T[][] | undefined, rows: number, fallback: T[]): T[][] => {
  if (v === undefined) return Array.from({ length: rows }, () => fallback);
  if (v.length > 0 && Array.isArray(v[0])) {
    if (v.length !== rows) throw new Error(`per-row stop lists: ${v.length} lists for ${rows} rows`);
    return v as T[][];
  }
  return Array.from({ length: rows }, () => v as T[]);
};

/** Log-softmax of one row of logits, in float64. */
function logSoftmax(logits: Float32Array, offset: number, v: number): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < v; i++) max = Math.max(max, logits[offset + i]);
  let sum = 0;
  for (let i = 0; i < v; i++) sum += Math.exp(logits[offset + i] - max);
  const lse = max + Math.log(sum);
  const out = new Float64Array(v);
  for (let i = 0; i < v; i++) out[i] = logits[offset + i] - lse;
  return out;
}

/** Picks a token from log-probs: argmax when greedy, else temperature + top-p sampling. */
function choose(lp: Float64Array, greedy: boolean, temperature: number, topP: number, rng: () => number): number {
  const banned = (i: number): boolean => i === IMAGE || i === PAD; // never valid as generated text
  if (greedy) {
    let best = -1;
    for (let i = 0; i < lp.length; i++) if (!banned(i) && (best < 0 || lp[i] > lp[best])) best = i;
    return best;
  }
  const w: Array<[number, number]> = [];
  let max = -Infinity;
  for (let i = 0; i < lp.length; i++) if (!banned(i)) max = Math.max(max, lp[i] / temperature);
  for (let i = 0; i < lp.length; i++) if (!banned(i)) w.push([i, Math.exp(lp[i] / temperature - max)]);
  let total = w.reduce((a, x) => a + x[1], 0);
  // A temperature so small that every lp / T overflows (or non-finite logits): the limit is greedy.
  if (!(total > 0 && Number.isFinite(total))) return choose(lp, true, temperature, topP, rng);
  if (topP < 1) {
    w.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    let acc = 0;
    let keep = 0;
    while (keep < w.length && acc < topP * total) acc += w[keep++][1];
    w.length = Math.max(1, keep);
    total = acc;
  }
  // r in [0, total): token i owns [sum before i, sum before i + p_i), so a zero weight is never drawn.
  let r = rng() * total;
  let last = w[0][0];
  for (const [i, p] of w) {
    if (p <= 0) continue;
    if (r < p) return i;
    r -= p;
    last = i;
  }
  return last; // rounding left r at the very top of the range
}

/**
 * Whether one of `strings` occurs in the text of the last `maxBytes` tokens (the longest string's
 * UTF-8 length: every token is at least one byte of text, so that tail holds any occurrence that
 * ends in the newest token; earlier ones stopped the row when they arrived). Matched on text, not
 * token patterns, because one string has many spellings: special tokens or their bytes, or ending
 * inside a special token ("answer>" in "</answer>", "4</" in "4</answer>").
 */
function hitsStop(model: TinyLMM, tokens: readonly number[], strings: readonly string[], maxBytes: number): boolean {
  if (strings.length === 0) return false;
  const tail = model.tokenizer.decode(tokens.slice(-maxBytes));
  return strings.some((s) => tail.includes(s));
}

export async function generate(model: TinyLMM, opts: GenerateOptions): Promise<Generation[]> {
  const prepared = opts.inputIds ? { inputIds: opts.inputIds, pixelValues: opts.pixelValues } : model.prepare(opts.prompts ?? [], opts.images);
  const rows = prepared.inputIds;
  model.checkRows(rows, !!prepared.pixelValues);
  rows.forEach((r, b) => {
    if (r.length === 0) throw new Error(`prompt ${b} is empty: the first token needs a context`);
  });
  const c = model.config;
  const B = rows.length;
  const greedy = opts.greedy || opts.temperature === 0;
  const temperature = opts.temperature ?? 1;
  const topP = opts.topP ?? 1;
  if (!(topP > 0 && topP <= 1)) throw new Error(`topP must be in (0, 1], got ${topP}`);
  if (!greedy && !(temperature > 0)) throw new Error(`temperature must be > 0 (or 0 for greedy), got ${temperature}`);
  const stopTok = perRow(opts.stopTokens, B, [EOS, IM_END]).map((s) => new Set(s));
  const stopStr = perRow(opts.stopStrings, B, []).map((s) => s.filter((x) => x.length > 0));
  const stopBytes = stopStr.map((s) => Math.max(0, ...s.map((x) => Buffer.byteLength(x))));
  const batch = padBatch(rows, 'left');
  const asked = opts.maxNewTokens ?? 128;
  if (!Number.isInteger(asked) || asked < 1) throw new Error(`maxNewTokens must be a positive integer, got ${asked}`);
  const maxNew = Math.min(asked, c.maxSeqLen - batch.seq);
  if (maxNew <= 0) throw new Error(`prompt of ${batch.seq} tokens leaves no room under maxSeqLen ${c.maxSeqLen}`);
  const rngs = rows.map((_, b) => seedrandom(`${opts.seed ?? 0}:${b}`));
  const bake = !!opts.bakeWeights;
  const params = bake ? {} : model.paramFeeds();

  const vision = model.usesVision(prepared.pixelValues);
  const V = c.vocabSize;
  const res: Generation[] = rows.map(() => ({ tokens: [], text: '', logprobs: [], finishReason: 'length' }));
  // Both sessions leased before anything is awaited: one weight version for the whole generation, and
  // a paramsUpdated() meanwhile (a training step) cannot free them before the finally below.
  const prefillLease = model.decodeSession(false, bake, vision);
  const stepLease = maxNew > 1 ? model.decodeSession(true, bake) : null;
  try {
    const prefill = await prefillLease.session;
    const step = (await stepLease?.session) ?? null;
    let out = await prefill.run({
      input_ids: batch.inputIds,
      attention_mask: batch.attentionMask,
      ...(vision ? model.pixelFeed(B, prepared.pixelValues) : {}),
      ...params,
    });
    const done = new Array<boolean>(B).fill(false);
    // Capacity: the prompt plus every generated token but the last (which is never fed back).
    let cache = KVCache.empty(B, c.nLayers, c.nHeads, c.dModel / c.nHeads, batch.seq + maxNew - 1);
    const kvOf = (o: typeof out, names: readonly string[]) => names.slice(1).map((n) => o[n]); // after last_logits
    cache.write(kvOf(out, prefill.outputNames), batch.seq, batch.attentionMask.data);
    let live = rows.map((_, b) => b); // cache row i generates for result live[i]
    for (let t = 0; t < maxNew; t++) {
      const logits = out.last_logits.data as Float32Array; // (rows in cache, V)
      let next = new BigInt64Array(live.length).fill(BigInt(PAD)); // finished rows feed <|pad|>, ignored
      live.forEach((b, i) => {
        if (done[b]) return;
        const lp = logSoftmax(logits, i * V, V);
        const tok = choose(lp, greedy, temperature, topP, rngs[b]);
        const r = res[b];
        r.tokens.push(tok);
        r.logprobs.push(lp[tok]);
        next[i] = BigInt(tok);
        if (stopTok[b].has(tok) || hitsStop(model, r.tokens, stopStr[b], stopBytes[b])) {
          done[b] = true;
          r.finishReason = 'stop';
        }
      });
      if (done.every(Boolean) || t === maxNew - 1 || !step) break;
      // Once half the rows are finished, stop computing them: keep only the live rows of the cache.
      const alive = live.flatMap((b, i) => (done[b] ? [] : [i]));
      if (alive.length <= live.length / 2 && live.length >= 4) {
        cache = cache.keepRows(alive);
        next = BigInt64Array.from(alive, (i) => next[i]);
        live = alive.map((i) => live[i]);
      }
      out = await step.run({ input_ids: { dtype: 'int64', dims: [live.length, 1], data: next }, ...cache.feeds(), ...params });
      cache.write(kvOf(out, step.outputNames), 1);
    }
  } finally {
    prefillLease.release();
    stepLease?.release();
  }
  for (const r of res) {
    const last = r.tokens[r.tokens.length - 1];
    const shown = r.finishReason === 'stop' && (last === EOS || last === IM_END) ? r.tokens.slice(0, -1) : r.tokens;
    r.text = model.tokenizer.decode(shown);
  }
  return res;
}
