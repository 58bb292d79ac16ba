// The model object: weights plus sessions. Config, parameters (one set of Float32Arrays, fed to every
// graph as inputs), the tokenizer, and lazily built ORT sessions. Graph definitions live in model.ts /
// graphs.ts; sampling (sampling.ts) and response log-probs (logprobs.ts) are functions over the
// Decoder interface this class implements. Trainers update `params` in place (or replace tensors)
// and call `paramsUpdated()`.
import { createSession, type Device, type EngineSession, type Feeds, type Outputs } from '../engine/index.js';
import { encodeChat, expandImageTokens, type ChatMessage } from './chat.js';
import { pixelsPerImage, type ModelConfig, type PresetName } from './config.js';
import { checkImageTokens, padBatch } from './batch.js';
import { buildDecodeGraph, buildGroupedLogprobGraph, buildLogitsGraph, buildLogprobGraph, type FloatType } from './graphs.js';
import type { Decoder, FloatTensor, PreparedPrompts, SessionLease } from './decoder.js';
import type { PromptGroups } from './prompt-groups.js';
import { imageGrid, preprocessBatch, type RGBAImage } from './image.js';
import type { Graph, HostTensor } from './ops.js';
import { countParameters, type Params } from './params.js';
import { Tokenizer } from './tokenizer.js';

export interface ModelOptions {
  /** Intra-op threads for every session (default: all cores). */
  threads?: number;
  device?: Device;
}

export interface LogitsInput {
  inputIds: number[][];
  /** (B, maxPatches, 3 p p) in [-1, 1], as preprocessBatch makes; required when rows hold <image> tokens. */
  pixelValues?: Float32Array;
}

/** Frees a cached session; one whose build failed has nothing to free. */
const release = (s: Promise<EngineSession>): Promise<void> =>
  s.then(
    (x) => x.dispose(),
    () => undefined,
  );

/**
 * A cached session and a count of its users. A session can go stale while callers still run on it:
 * the server answers requests concurrently and disposes its models on close while their last
 * batches finish; and after a training step (`paramsUpdated()`) the sessions baked with the old
 * weights must go, though a generation that leased them earlier may still be decoding. (The RL loop
 * never samples during an update, but the model does not rely on its callers' order.) A stale
 * session leaves the cache at once and is freed only when its last user releases it.
 */
class SharedSession {
  private users = 0;
  private retired = false;
  private markFreed!: (done: Promise<void>) => void;
  /** Settles once the native session is freed. */
  readonly freed = new Promise<void>((r) => (this.markFreed = r));

  constructor(readonly session: Promise<EngineSession>) {}

  lease(): SessionLease {
    this.users++;
    let done = false;
    return {
      session: this.session,
      release: () => {
        if (done) return;
        done = true;
        this.users--;
        this.freeIfUnused();
      },
    };
  }

  /** Out of the cache, so no new users: freed now if idle, else by its last user. Called once. */
  retire(): void {
    this.retired = true;
    this.freeIfUnused();
  }

  private freeIfUnused(): void {
    if (this.retired && this.users === 0) this.markFreed(release(this.session)); // `freed` fails if the release does
  }
}

export class TinyLMM implements Decoder {
  readonly tokenizer = new Tokenizer();
  private sessions = new Map<string, SharedSession>();
  /** Cache keys of the sessions with baked weights (all of the current version): retired by paramsUpdated(). */
  private bakedKeys = new Set<string>();
  /** Every session not yet freed, in the cache or retired but still in use: what dispose() waits for. */
  private unfreed = new Set<SharedSession>();
  private version = 0;

  constructor(
    readonly preset: PresetName,
    readonly config: ModelConfig,
    public params: Params,
    public step = 0,
    public metrics: Record<string, number> = {},
    public options: ModelOptions = {},
  ) {}

  get parameterCount(): number {
    return countParameters(this.config);
  }

  /** Bumped by `paramsUpdated()`; sessions with baked weights compare against it. */
  get paramsVersion(): number {
    return this.version;
  }

  /**
   * Call after changing parameter values: sessions holding baked copies are stale, so they leave the
   * cache now (freed at once if idle, else by their last user) and are rebuilt on next use. The cache
   * thus holds at most one session per key: a baked key that is not leased again does not keep an
   * old copy of the weights alive.
   */
  paramsUpdated(): void {
    this.version++;
    for (const k of [...this.bakedKeys]) this.retire(k, this.sessions.get(k)!);
  }

  /** Sessions in the cache now (stale ones still in use are not counted): one per key at most. */
  get cachedSessions(): number {
    return this.sessions.size;
  }

  /**
   * A lease on the session for a graph, built once per key (and per parameter version when `baked`);
   * release it when done. Taken synchronously, so a caller that takes several before awaiting gets
   * them all of one parameter version, and none can be freed under it meanwhile.
   */
  lease(key: string, build: () => Graph, baked = false): SessionLease {
    // Baked sessions of older versions left the cache at paramsUpdated(), so one entry per key.
    const k = baked ? `${key}@baked` : key;
    let s = this.sessions.get(k);
    if (!s) {
      // Built now, so baked weights are this version's; a throwing build becomes a rejected session.
      const shared = new SharedSession(new Promise((ok) => ok(createSession(build(), { threads: this.options.threads, device: this.options.device }))));
      this.sessions.set(k, shared);
      if (baked) this.bakedKeys.add(k);
      this.unfreed.add(shared);
      const forget = () => this.unfreed.delete(shared);
      void shared.freed.then(forget, forget); // a failed release is reported by dispose(), not as unhandled
      shared.session.catch(() => {
        if (this.sessions.get(k) === shared) this.retire(k, shared); // a failed build is retried next time
      });
      s = shared;
    }
    return s.lease();
  }

  private retire(key: string, s: SharedSession): void {
    this.sessions.delete(key);
    this.bakedKeys.delete(key);
    s.retire();
  }

  /** Parameters as feeds (no copies: the tensors wrap the model's own arrays). */
  paramFeeds(dtype: FloatType = 'float32'): Record<string, HostTensor> {
    const feeds: Record<string, HostTensor> = {};
    for (const [name, t] of this.params) {
      feeds[name] = dtype === 'float32' ? { dtype, dims: t.shape, data: t.data } : { dtype, dims: t.shape, data: Float64Array.from(t.data) };
    }
    return feeds;
  }

  /** pixel_values feed: the given pixels, or zeros for text-only batches (they never reach the logits). */
  pixelFeed(batch: number, pixelValues: Float32Array | undefined): Record<string, HostTensor> {
    const v = this.config.vision;
    if (!v) return {};
    const size = batch * pixelsPerImage(v);
    const data = pixelValues ?? new Float32Array(size);
    if (data.length !== size) throw new Error(`pixelValues has ${data.length} values, expected ${size} = ${batch} x ${v.maxPatches} patches x 3 x ${v.patchSize} x ${v.patchSize}`);
    return { pixel_values: { dtype: 'float32', dims: [batch, v.maxPatches, 3 * v.patchSize * v.patchSize], data } };
  }

  /** Rejects rows the graphs cannot take, with a message saying why (too long, bad image tokens). */
  checkRows(rows: readonly (readonly number[])[], hasPixels: boolean): void {
    const longest = Math.max(0, ...rows.map((r) => r.length));
    if (longest > this.config.maxSeqLen) throw new Error(`a row has ${longest} tokens, more than maxSeqLen ${this.config.maxSeqLen}`);
    checkImageTokens(rows, this.config.vision?.maxPatches ?? 0, hasPixels);
  }

  /** Whether a batch runs the vision tower: only when pixels come with it (text-only batches skip it). */
  usesVision(pixelValues: Float32Array | undefined): boolean {
    return !!this.config.vision && !!pixelValues;
  }

  /** Logits for every position, (B, T, V), rows right-padded to the longest. */
  async logits(input: LogitsInput): Promise<FloatTensor> {
    this.checkRows(input.inputIds, !!input.pixelValues);
    const b = padBatch(input.inputIds, 'right');
    const vision = this.usesVision(input.pixelValues);
    const feeds: Feeds = { input_ids: b.inputIds, attention_mask: b.attentionMask, ...this.paramFeeds() };
    if (vision) Object.assign(feeds, this.pixelFeed(b.batch, input.pixelValues));
    const out = await this.run(this.lease(vision ? 'logits' : 'logits-text', () => buildLogitsGraph(this.config, { vision }).graph), feeds, ['logits']);
    return { data: out.logits.data as Float32Array, dims: [...out.logits.dims] };
  }

  /** Per-token log-probs (B, T-1) of each row's own tokens (+ values (B, T) when asked): graph (a). */
  async logprobs(input: LogitsInput & { values?: boolean }): Promise<{ logprobs: FloatTensor; values?: FloatTensor }> {
    this.checkRows(input.inputIds, !!input.pixelValues);
    const b = padBatch(input.inputIds, 'right');
    const withValues = !!input.values;
    const vision = this.usesVision(input.pixelValues);
    const key = `logprobs${withValues ? '+values' : ''}${vision ? '' : '-text'}`;
    const feeds: Feeds = { input_ids: b.inputIds, attention_mask: b.attentionMask, ...this.paramFeeds() };
    if (vision) Object.assign(feeds, this.pixelFeed(b.batch, input.pixelValues));
    const out = await this.run(this.lease(key, () => buildLogprobGraph(this.config, { values: withValues, vision }).graph), feeds);
    const wrap = (t: HostTensor): FloatTensor => ({ data: t.data as Float32Array, dims: [...t.dims] });
    return { logprobs: wrap(out.logprobs), values: withValues ? wrap(out.values) : undefined };
  }

  /**
   * Log-probs (G N, T-1) of the continuation rows of prompt groups (+ the values where each token is
   * chosen, when asked); `pixelValues` holds one image per group.
   */
  async groupedLogprobs(groups: PromptGroups, o: { pixelValues?: Float32Array; values?: boolean } = {}): Promise<{ logprobs: FloatTensor; values?: FloatTensor }> {
    const vision = this.usesVision(o.pixelValues);
    const withValues = !!o.values;
    const key = `grouped-logprobs${withValues ? '+values' : ''}${vision ? '' : '-text'}`;
    const feeds: Feeds = { ...this.groupFeeds(groups, o.pixelValues), ...this.paramFeeds() };
    const out = await this.run(this.lease(key, () => buildGroupedLogprobGraph(this.config, { values: withValues, vision }).graph), feeds);
    const wrap = (t: HostTensor): FloatTensor => ({ data: t.data as Float32Array, dims: [...t.dims] });
    return { logprobs: wrap(out.logprobs), values: withValues ? wrap(out.values) : undefined };
  }

  /** The inputs of a grouped graph: prefix and continuation rows, and the groups' pixels if any. */
  groupFeeds(groups: PromptGroups, pixelValues: Float32Array | undefined): Record<string, HostTensor> {
    return {
      prefix_ids: groups.prefixIds,
      prefix_mask: groups.prefixMask,
      input_ids: groups.inputIds,
      attention_mask: groups.attentionMask,
      ...(this.usesVision(pixelValues) ? this.pixelFeed(groups.groups, pixelValues) : {}),
    };
  }

  /** One run on a leased session, released afterwards. */
  async run(lease: SessionLease, feeds: Feeds, fetch?: readonly string[]): Promise<Outputs> {
    try {
      return await (await lease.session).run(feeds, fetch);
    } finally {
      lease.release();
    }
  }

  /** Leases a decode session (prefill with or without vision / step); `bake` puts the current weights in as initializers. */
  decodeSession(past: boolean, bake: boolean, vision = false): SessionLease {
    const key = past ? 'step' : vision ? 'prefill' : 'prefill-text';
    return this.lease(key, () => buildDecodeGraph(this.config, { past, vision, bake: bake ? this.params : undefined }).graph, bake);
  }

  /**
   * Token ids of a prompt, with its image laid out as the image's patch grid (`expandImageTokens`): a
   * string is templated text (its special-token strings are tokens) whose image, if it places one,
   * comes as `image`; a chat is encoded by `encodeChat` (its messages' text is bytes, never tokens)
   * and carries its own.
   */
  encodePrompt(prompt: string | readonly ChatMessage[], image: RGBAImage | null = null): { ids: number[]; image: RGBAImage | null } {
    let raw: number[];
    if (typeof prompt === 'string') raw = this.tokenizer.encode(prompt);
    else {
      const t = encodeChat(this.tokenizer, prompt);
      raw = t.ids;
      if (t.images.length > 1) throw new Error('one image per prompt is supported');
      if (t.images.length === 1) {
        if (typeof t.images[0] === 'string') throw new Error('image_url parts must be resolved to pixels before encoding');
        if (image && image !== t.images[0]) throw new Error('a chat prompt carries its own image; none may be given beside it');
        image = t.images[0];
      }
    }
    const v = this.config.vision;
    if (!raw.includes(this.tokenizer.imageId)) {
      if (image) throw new Error('an image was given but the prompt has no <image> to place it at');
      return { ids: raw, image: null };
    }
    if (!v) throw new Error('prompt has an image but this model has no vision tower (vision: null)');
    if (!image) throw new Error('prompt has <image> but no image');
    return { ids: expandImageTokens(raw, imageGrid(image.width, image.height, v)), image };
  }

  /** Several prompts to model inputs: token rows and, if any prompt has an image, pixel values. */
  prepare(prompts: ReadonlyArray<string | readonly ChatMessage[]>, images?: ReadonlyArray<RGBAImage | null>): PreparedPrompts {
    // Checked per row: batch-wide checks would let a row without its image read zeros as pixels.
    const enc = prompts.map((p, i) => {
      try {
        return this.encodePrompt(p, images?.[i] ?? null);
      } catch (e) {
        throw new Error(`prompt ${i}: ${(e as Error).message}`);
      }
    });
    const v = this.config.vision;
    const pixelValues = v && enc.some((e) => e.image) ? preprocessBatch(enc.map((e) => e.image), v) : undefined;
    return { inputIds: enc.map((e) => e.ids), pixelValues };
  }

  /**
   * Frees every native session, waiting for calls in flight to finish with theirs (so do not await it
   * while holding a lease). The model stays usable: sessions are rebuilt on demand.
   */
  async dispose(): Promise<void> {
    for (const [k, s] of [...this.sessions]) this.retire(k, s);
    await Promise.all([...this.unfreed].map((s) => s.freed));
  }
}
