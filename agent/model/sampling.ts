// Batched sampling with a KV cache: one prefill over the left-padded prompts (image included), then
// one graph run per new token for the whole batch. Temperature, top-p, greedy, per-row stop tokens and
// stop strings, per-row seeded generators (a row's output does not depend on its batch neighbours).
import seedrandom from 'seedrandom';
import type { ChatMessage } from './chat.js';
import { padBatch, type PaddedBatch } from './batch.js';
import { pixelRows, samePixelRows, type RGBAImage } from './image.js';
import { KVCache } from './kv-cache.js';
import { EOS, IM_END, IMAGE, IMAGE_ROW, PAD } from './tokenizer.js';
import type { Decoder } from './decoder.js';

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
  /**
   * Settings per row, overriding the batch-wide ones: what lets one batch serve requests that asked
   * for different things (the server batches clients together). A row's seed is used as given, so
   * row b of a call with `seed: s` and a row with `seed: "${s}:${b}"` draw the same tokens.
   */
  rows?: ReadonlyArray<RowSampling>;
  /**
   * Called for each new token of each row as it is picked (streaming), with whether that token ended
   * the row; a throwing callback aborts the generation.
   */
  onToken?: (row: number, token: number, finishReason: Generation['finishReason'] | null, logprob: number, top?: readonly TopLogprob[]) => void;
  /**
   * Also report, for each new token, the `topLogprobs` most likely tokens of the same distribution
   * (log p at temperature 1, as `logprobs`), in `Generation.topLogprobs` and onToken's `top`.
   * Default 0 (none): read-only, so the tokens drawn are the same either way. Per row in `rows`.
   */
  topLogprobs?: number;
  /**
   * Asked once a step for each row still generating, before its token is picked: true ends the row
   * where it stands (no more tokens, no onToken, finish reason 'length'), as when a client that
   * went away no longer needs its rows. The other rows go on as if it had finished on its own.
   */
  stopRow?: (row: number) => boolean;
}

/** One row's sampling settings (see `GenerateOptions.rows`); absent fields take the batch-wide value. */
export interface RowSampling {
  temperature?: number;
  topP?: number;
  maxNewTokens?: number;
  seed?: number | string;
  topLogprobs?: number;
}

/** One alternative of a step (see `GenerateOptions.topLogprobs`). */
export interface TopLogprob {
  token: number;
  logprob: number;
}

export interface Generation {
  /** New tokens only, including the stop token or stop string that ended the row. */
  tokens: number[];
  /** Decoded new tokens, without a final end / <|im_end|> token. */
  text: string;
  /** log p(token) under the model at temperature 1 (no top-p), the quantity RL ratios need. */
  logprobs: number[];
  finishReason: 'stop' | 'length';
  /** Per new token, the most likely tokens with their log-probs, most likely first (ties by id); only when asked. */
  topLogprobs?: TopLogprob[][];
}

const perRow = <T>(v: T[] | T[][] | undefined, rows: number, fallback: T[]): T[][] => {
  if (v === undefined) return Array.from({ length: rows }, () => fallback);
  if (v.length > 0 && Array.isArray(v[0])) {
    if (v.length !== rows) throw new Error(`per-row stop lists: ${v.length} lists for ${rows} rows`);
    return v as T[][];
  }
  return Array.from({ length: rows }, () => v as T[]);
};

/**
 * Per-generation scratch for picking tokens: the log-probs of the row at hand and the candidate
 * weights, reused for every row and step (no arrays per token). The arithmetic is the plain one, in
 * a fixed order, so a row's picks depend only on its logits and its generator.
 */
class TokenPicker {
  /** Log-probs of the current row, (V) in float64; valid until the next `logSoftmax`. */
  readonly lp: Float64Array;
  /** Ids that may be generated, ascending: all but <image>, <image_row> and <|pad|> (never valid as generated text). */
  private readonly allowed: Int32Array;
  private readonly ids: Int32Array;
  private readonly w: Float64Array;
  private order: number[] = [];

  constructor(readonly vocab: number) {
    this.lp = new Float64Array(vocab);
    const allowed: number[] = [];
    for (let i = 0; i < vocab; i++) if (i !== IMAGE && i !== IMAGE_ROW && i !== PAD) allowed.push(i);
    this.allowed = Int32Array.from(allowed);
    this.ids = new Int32Array(allowed.length);
    this.w = new Float64Array(allowed.length);
  }

  /** Log-softmax of one row of logits into `lp`, in float64. */
  logSoftmax(logits: Float32Array, offset: number): Float64Array {
    const v = this.vocab;
    const out = this.lp;
    let max = -Infinity;
    for (let i = 0; i < v; i++) max = Math.max(max, logits[offset + i]);
    let sum = 0;
    for (let i = 0; i < v; i++) sum += Math.exp(logits[offset + i] - max);
    const lse = max + Math.log(sum);
    for (let i = 0; i < v; i++) out[i] = logits[offset + i] - lse;
    return out;
  }

  /** The `k` largest entries of `lp` (whole vocabulary), largest first, ties by id; reads `lp` only. */
  top(k: number): TopLogprob[] {
    const lp = this.lp;
    const best: TopLogprob[] = [];
    for (let i = 0; i < this.vocab; i++) {
      const x = lp[i];
      if (best.length === k && !(x > best[k - 1].logprob)) continue;
      let at = best.length;
      while (at > 0 && x > best[at - 1].logprob) at--;
      best.splice(at, 0, { token: i, logprob: x });
      if (best.length > k) best.pop();
    }
    return best;
  }

  /** Picks a token from `lp`: argmax when greedy, else temperature + top-p sampling. */
  choose(greedy: boolean, temperature: number, topP: number, rng: () => number): number {
    const lp = this.lp;
    const allowed = this.allowed;
    const n = allowed.length;
    if (greedy) {
      let best = -1;
      for (let j = 0; j < n; j++) {
        const i = allowed[j];
        if (best < 0 || lp[i] > lp[best]) best = i;
      }
      return best;
    }
    const ids = this.ids;
    const w = this.w;
    let max = -Infinity;
    for (let j = 0; j < n; j++) max = Math.max(max, lp[allowed[j]] / temperature);
    let total = 0;
    for (let j = 0; j < n; j++) {
      const i = allowed[j];
      ids[j] = i;
      w[j] = Math.exp(lp[i] / temperature - max);
      total += w[j];
    }
    // A temperature so small that every lp / T overflows (or non-finite logits): the limit is greedy.
    if (!(total > 0 && Number.isFinite(total))) return this.choose(true, temperature, topP, rng);
    let count = n;
    if (topP < 1) {
      // Heaviest first, ties by id: a total order, so any sort gives the same sequence.
      const order = this.order;
      order.length = n;
      for (let j = 0; j < n; j++) order[j] = j;
      order.sort((a, b) => w[b] - w[a] || ids[a] - ids[b]);
      let acc = 0;
      let keep = 0;
      while (keep < n && acc < topP * total) acc += w[order[keep++]];
      count = Math.max(1, keep);
      const wk = order.slice(0, count).map((j) => w[j]);
      const ik = order.slice(0, count).map((j) => ids[j]);
      for (let j = 0; j < count; j++) {
        w[j] = wk[j];
        ids[j] = ik[j];
      }
      total = acc;
    }
    // r in [0, total): token i owns [sum before i, sum before i + p_i), so a zero weight is never drawn.
    let r = rng() * total;
    let last = ids[0];
    for (let j = 0; j < count; j++) {
      const p = w[j];
      if (p <= 0) continue;
      if (r < p) return ids[j];
      r -= p;
      last = ids[j];
    }
    return last; // rounding left r at the very top of the range
  }
}

/**
 * Whether one of `strings` occurs in the text of the last `maxBytes` tokens (the longest string's
 * UTF-8 length: every token is at least one byte of text, so that tail holds any occurrence that
 * ends in the newest token; earlier ones stopped the row when they arrived). Matched on text, not
 * token patterns, because one string has many spellings: special tokens or their bytes, or ending
 * inside a special token ("answer>" in "</answer>", "4</" in "4</answer>").
 */
function hitsStop(model: Decoder, tokens: readonly number[], strings: readonly string[], maxBytes: number): boolean {
  if (strings.length === 0) return false;
  const tail = model.tokenizer.decode(tokens.slice(-maxBytes));
  return strings.some((s) => tail.includes(s));
}

/**
 * Whether to drop the finished rows before the next step, with `live` rows in the cache of which
 * `alive` still generate: once a quarter of them have finished. Dropping moves the cache's rows
 * down in place; computing a finished row costs its share of every remaining step. Measured on tiny
 * at batch 64, 64 new tokens, against waiting for half: with most rows long and a few stopping
 * early, 992 -> 803 ms; with rows stopping one after another, the same (682 vs 676 ms). Dropping at
 * every finished row was slower (717 ms, 57 step shapes instead of 12). A generation sees at most
 * about log(B) / log(4/3) row counts, and never fewer than two rows (see generate).
 */
function dropFinished(live: number, alive: number): boolean {
  const dead = live - alive;
  return live > 2 && dead > 0 && dead >= live / 4;
}

/**
 * The distinct rows of a batch (token ids, and pixels where given): `rows` lists the first row of
 * each, `of[b]` the distinct row that row b repeats.
 */
export function distinctRows(rows: readonly (readonly number[])[], pixelValues?: Float32Array): { rows: number[]; of: number[] } {
  // Rows with the same key have the same tokens: only their pixels are left to compare.
  const same = (a: number, b: number) => !pixelValues || samePixelRows(pixelValues, rows.length, a, b);
  const firsts: number[] = [];
  const byKey = new Map<string, number[]>(); // candidates by token ids: pixels compared only within
  const of = rows.map((r, b) => {
    const key = r.join(',');
    const cands = byKey.get(key) ?? [];
    const hit = cands.find((d) => same(firsts[d], b));
    if (hit !== undefined) return hit;
    firsts.push(b);
    byKey.set(key, [...cands, firsts.length - 1]);
    return firsts.length - 1;
  });
  return { rows: firsts, of };
}

/** Every row's settings, checked, and the batch the prefill runs: what the phases of `generate` read. */
interface RowPlan {
  rows: number[][];
  pixelValues?: Float32Array;
  temps: number[];
  greedyRow: boolean[];
  topPs: number[];
  stopTok: Set<number>[];
  stopStr: string[][];
  stopBytes: number[];
  /** The distinct prompts (see distinctRows) and their left-padded batch. */
  distinct: { rows: number[]; of: number[] };
  batch: PaddedBatch;
  /** New tokens of the batch (the longest row's budget, within maxSeqLen) and of each row. */
  maxNew: number;
  rowMax: number[];
  rngs: Array<() => number>;
  /** Alternatives reported per new token of each row (0: none). */
  topK: number[];
}

/** The rows to sample and their settings, each rejected with a message saying why. */
function planRows(model: Decoder, opts: GenerateOptions): RowPlan {
  const prepared = opts.inputIds ? { inputIds: opts.inputIds, pixelValues: opts.pixelValues } : model.prepare(opts.prompts ?? [], opts.images);
  const rows = prepared.inputIds;
  model.checkRows(rows, !!prepared.pixelValues);
  rows.forEach((r, b) => {
    if (r.length === 0) throw new Error(`prompt ${b} is empty: the first token needs a context`);
  });
  const c = model.config;
  const B = rows.length;
  if (opts.rows && opts.rows.length !== B) throw new Error(`rows: ${opts.rows.length} row settings for ${B} rows`);
  const rowOf = (b: number): RowSampling => opts.rows?.[b] ?? {};
  const temps = rows.map((_, b) => rowOf(b).temperature ?? opts.temperature ?? 1);
  const greedyRow = temps.map((t) => !!opts.greedy || t === 0);
  const topPs = rows.map((_, b) => rowOf(b).topP ?? opts.topP ?? 1);
  temps.forEach((t, b) => {
    if (!(topPs[b] > 0 && topPs[b] <= 1)) throw new Error(`topP must be in (0, 1], got ${topPs[b]}`);
    if (!greedyRow[b] && !(t > 0)) throw new Error(`temperature must be > 0 (or 0 for greedy), got ${t}`);
  });
  const stopTok = perRow(opts.stopTokens, B, [EOS, IM_END]).map((s) => new Set(s));
  const stopStr = perRow(opts.stopStrings, B, []).map((s) => s.filter((x) => x.length > 0));
  const stopBytes = stopStr.map((s) => Math.max(0, ...s.map((x) => Buffer.byteLength(x))));
  // Identical prompts (RL samples n answers per prompt) are prefilled once: their cache rows and
  // first logits are copies of one prefill row (the same numbers a row of its own gets).
  const distinct = distinctRows(rows, prepared.pixelValues);
  const batch = padBatch(distinct.rows.map((i) => rows[i]), 'left');
  const askedRows = rows.map((_, b) => rowOf(b).maxNewTokens ?? opts.maxNewTokens ?? 128);
  for (const asked of askedRows) {
    if (!Number.isInteger(asked) || asked < 1) throw new Error(`maxNewTokens must be a positive integer, got ${asked}`);
  }
  const maxNew = Math.min(Math.max(...askedRows), c.maxSeqLen - batch.seq);
  if (maxNew <= 0) throw new Error(`prompt of ${batch.seq} tokens leaves no room under maxSeqLen ${c.maxSeqLen}`);
  const rowMax = askedRows.map((a) => Math.min(a, maxNew));
  const rngs = rows.map((_, b) => {
    const own = rowOf(b).seed;
    return seedrandom(own === undefined ? `${opts.seed ?? 0}:${b}` : String(own));
  });
  const topK = rows.map((_, b) => rowOf(b).topLogprobs ?? opts.topLogprobs ?? 0);
  for (const k of topK) {
    if (!Number.isInteger(k) || k < 0) throw new Error(`topLogprobs must be a non-negative integer, got ${k}`);
  }
  return { rows, pixelValues: prepared.pixelValues, temps, greedyRow, topPs, stopTok, stopStr, stopBytes, distinct, batch, maxNew, rowMax, rngs, topK };
}

/**
 * Batched sampling with a KV cache (GenerateOptions has the settings). The phases are marked below:
 * the prefill runs each distinct prompt once and lays out the cache; the decode loop then, once per
 * new token, picks a token for every row still generating and feeds the picks back as one step;
 * last, the tokens become text.
 */
export async function generate(model: Decoder, opts: GenerateOptions): Promise<Generation[]> {
  const plan = planRows(model, opts);
  const { rows, distinct, batch, maxNew } = plan;
  const c = model.config;
  const B = rows.length;
  const bake = !!opts.bakeWeights;
  const params = bake ? {} : model.paramFeeds();

  const vision = model.usesVision(plan.pixelValues);
  const V = c.vocabSize;
  const res: Generation[] = rows.map((_, b) => ({ tokens: [], text: '', logprobs: [], finishReason: 'length', ...(plan.topK[b] > 0 ? { topLogprobs: [] } : {}) }));
  // Both sessions leased before anything is awaited: one weight version for the whole generation, and
  // a paramsUpdated() meanwhile (a training step) cannot free them before the finally below.
  const prefillLease = model.decodeSession(false, bake, vision);
  const stepLease = maxNew > 1 ? model.decodeSession(true, bake) : null;
  let cache: KVCache | null = null;
  try {
    // --- prefill ---
    const prefill = await prefillLease.session;
    const step = (await stepLease?.session) ?? null;
    let out = await prefill.run({
      input_ids: batch.inputIds,
      attention_mask: batch.attentionMask,
      ...(vision ? model.pixelFeed(distinct.rows.length, pixelRows(plan.pixelValues!, B, distinct.rows)) : {}),
      ...params,
    });
    const done = new Array<boolean>(B).fill(false);
    // Laid out for the prompt and grown in chunks as tokens come (see KVCache): a step reads what is
    // filled, rounded up to a chunk. The arrays are sized for the prompt plus every generated token
    // but the last (which is never fed back), so growing re-lays rows in place.
    const kvOf = (o: typeof out, names: readonly string[]) => names.slice(1).map((n) => o[n]); // after last_logits
    if (step) {
      cache = KVCache.empty(B, c.nLayers, c.nHeads, c.dModel / c.nHeads, batch.seq, batch.seq + maxNew - 1);
      cache.write(kvOf(out, prefill.outputNames), batch.seq, batch.attentionMask.data, distinct.of);
    }

    // --- decode --- one step per new token: pick a token for every live row, feed the picks back
    const picker = new TokenPicker(V);
    const pad = BigInt(PAD);
    let live = rows.map((_, b) => b); // cache row i generates for result live[i]
    let next = new BigInt64Array(B);
    for (let t = 0; t < maxNew; t++) {
      // --- pick --- each live row's token from its logits, then whether that token ends the row
      const logits = out.last_logits.data as Float32Array; // (rows in cache, V); the prefill's: (distinct rows, V)
      const logitRow = t === 0 ? (i: number) => distinct.of[i] : (i: number) => i;
      next.fill(pad); // finished rows feed <|pad|>, ignored
      let alive = 0;
      for (let i = 0; i < live.length; i++) {
        const b = live[i];
        if (done[b]) continue;
        if (opts.stopRow?.(b)) {
          done[b] = true;
          continue;
        }
        const lp = picker.logSoftmax(logits, logitRow(i) * V);
        const tok = picker.choose(plan.greedyRow[b], plan.temps[b], plan.topPs[b], plan.rngs[b]);
        const r = res[b];
        r.tokens.push(tok);
        r.logprobs.push(lp[tok]);
        // Read after the pick from the same log-probs, which choose() leaves as they were.
        const top = plan.topK[b] > 0 ? picker.top(plan.topK[b]) : undefined;
        if (top) r.topLogprobs!.push(top);
        next[i] = BigInt(tok);
        if (plan.stopTok[b].has(tok) || hitsStop(model, r.tokens, plan.stopStr[b], plan.stopBytes[b])) {
          done[b] = true;
          r.finishReason = 'stop';
        } else if (r.tokens.length >= plan.rowMax[b]) {
          done[b] = true; // its own limit, below the batch's: finished with 'length' as it stands
        } else alive++;
        opts.onToken?.(b, tok, done[b] ? r.finishReason : t === maxNew - 1 ? 'length' : null, lp[tok], top);
      }
      if (alive === 0 || t === maxNew - 1 || !step || !cache) break;
      if (dropFinished(live.length, alive)) {
        // Stop computing finished rows: keep only the live rows of the cache (compacted in place).
        // Never fewer than two: ORT computes a one-row step by another kernel (measured: its logits
        // differ in the last bits), so a lone last row would depend on when the others finished.
        const keep = live.flatMap((b, i) => (done[b] ? [] : [i]));
        if (keep.length < 2) {
          const spare = live.findIndex((b, i) => done[b] && !keep.includes(i));
          keep.push(spare);
          keep.sort((x, y) => x - y);
        }
        cache.keepRows(keep);
        next = BigInt64Array.from(keep, (i) => next[i]);
        live = keep.map((i) => live[i]);
      }
      out = await step.run({ input_ids: { dtype: 'int64', dims: [live.length, 1], data: next }, ...cache.feeds(), ...params });
      cache.write(kvOf(out, step.outputNames), 1);
    }
  } finally {
    cache?.release();
    prefillLease.release();
    stepLease?.release();
  }
  // --- text --- (a final end or <|im_end|> token is kept in `tokens`, not shown)
  for (const r of res) {
    const last = r.tokens[r.tokens.length - 1];
    const shown = r.finishReason === 'stop' && (last === EOS || last === IM_END) ? r.tokens.slice(0, -1) : r.tokens;
    r.text = model.tokenizer.decode(shown);
  }
  return res;
}
