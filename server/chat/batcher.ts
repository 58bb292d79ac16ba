/**
 * Puts concurrent chat requests for one model into shared `generate` calls. A decode step costs
 * nearly the same for 1 row as for 64 on this engine (the weights are read once a step either
 * way), so 64 clients served one at a time would each wait 64 times as long; batched, they share
 * every step (`npm run bench:server` has the figures). The queue waits a short window after the
 * first request so the others can join, runs one batch at a time, and packs requests in arrival
 * order while they fit: at most `maxRows` rows, and the longest prompt plus the largest token
 * budget within the context (a row is never cut short by a neighbour's long prompt).
 */
import { generate, pixelsPerImage, type Generation, type TinyLMM, type TopLogprob } from '../../agent/model/index.js';
import { OpenAIError } from './openai-error.js';

export interface GenerationRequest {
  /** Prompt token ids, images expanded. */
  ids: number[];
  /** The prompt's image, preprocessed (3 x S x S), or null. */
  pixels: Float32Array | null;
  /** Rows (choices) sampled from this prompt. */
  n: number;
  temperature: number;
  topP: number;
  maxTokens: number;
  /** Choice i is seeded `${seed}:${i}`. */
  seed: string;
  stop: string[];
  /** Alternatives reported per new token (generate's topLogprobs); 0 or absent: none. */
  topLogprobs?: number;
  /**
   * Each new token of choice `index` as it is picked, with the reason when it ended the choice, its
   * log-prob at temperature 1 and, when asked, the most likely alternatives.
   */
  onToken?: (index: number, token: number, finish: Generation['finishReason'] | null, logprob: number, top?: readonly TopLogprob[]) => void;
  /**
   * Aborting (the client went away) takes the request out of the queue, or, once its batch runs,
   * stops its rows before their next token; either way the request is rejected with a 499.
   */
  signal?: AbortSignal;
}

export interface ChoiceResult {
  tokens: number[];
  /** log p(token) at temperature 1, one per token. */
  logprobs: number[];
  /** The alternatives per token, when the request asked for them. */
  topLogprobs: TopLogprob[][];
  finishReason: Generation['finishReason'];
}

export interface BatcherOptions {
  /** How long the first request of a batch waits for others to join. */
  windowMs: number;
  /** Most rows (choices of all requests) in one generate call. */
  maxRows: number;
  /** Most rows waiting; beyond it requests get a 503. */
  maxQueuedRows: number;
}

interface Pending {
  req: GenerationRequest;
  resolve: (r: ChoiceResult[]) => void;
  reject: (e: unknown) => void;
}

export interface BatcherStats {
  batches: number;
  rows: number;
  requests: number;
  /** Tokens generated, all rows. */
  tokens: number;
  /** Rows stopped before their end because their request was aborted. */
  stoppedRows: number;
}

const clientGone = () => new OpenAIError(499, 'the client went away', null, 'client_closed_request');

export class GenerationBatcher {
  private queue: Pending[] = [];
  private queuedRows = 0;
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  readonly stats: BatcherStats = { batches: 0, rows: 0, requests: 0, tokens: 0, stoppedRows: 0 };

  constructor(
    private readonly model: TinyLMM,
    readonly options: BatcherOptions,
  ) {}

  /** Queues a request; admission errors (closed, n too large, queue full) throw here, synchronously. */
  submit(req: GenerationRequest): Promise<ChoiceResult[]> {
    if (this.closed) throw new OpenAIError(503, 'the server is shutting down', null, 'server_shutting_down');
    if (req.n > this.options.maxRows) throw new OpenAIError(400, `n must be at most ${this.options.maxRows} on this server`, 'n', 'invalid_value');
    if (this.queuedRows + req.n > this.options.maxQueuedRows) {
      throw new OpenAIError(503, `the model's queue is full (${this.queuedRows} rows waiting); retry shortly`, null, 'server_overloaded', 'server_error', { 'retry-after': '1' });
    }
    if (req.signal?.aborted) return Promise.reject(clientGone());
    return new Promise<ChoiceResult[]>((resolve, reject) => {
      const p: Pending = { req, resolve, reject };
      this.queue.push(p);
      this.queuedRows += req.n;
      req.signal?.addEventListener('abort', () => this.withdraw(p), { once: true });
      this.schedule();
    });
  }

  /** Rejects everything still waiting; a batch already running finishes. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const p of this.queue.splice(0)) p.reject(new OpenAIError(503, 'the server is shutting down', null, 'server_shutting_down'));
    this.queuedRows = 0;
  }

  private withdraw(p: Pending): void {
    const at = this.queue.indexOf(p);
    if (at < 0) return; // already running: it finishes with its batch
    this.queue.splice(at, 1);
    this.queuedRows -= p.req.n;
    p.reject(clientGone());
  }

  private schedule(): void {
    if (this.running || this.timer || this.queue.length === 0) return;
    // A full batch goes now; otherwise give the other clients a window to join.
    const wait = this.queuedRows >= this.options.maxRows ? 0 : this.options.windowMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runBatch();
    }, wait);
  }

  /** The requests of the next batch, in arrival order, while they fit (the first always does). */
  private take(): Pending[] {
    const maxSeq = this.model.config.maxSeqLen;
    const batch: Pending[] = [];
    let rows = 0;
    let longest = 0;
    let budget = 0;
    for (let i = 0; i < this.queue.length; i++) {
      const { req } = this.queue[i];
      const l = Math.max(longest, req.ids.length);
      const b = Math.max(budget, req.maxTokens);
      if (batch.length > 0 && (rows + req.n > this.options.maxRows || l + b > maxSeq)) continue;
      batch.push(this.queue[i]);
      rows += req.n;
      longest = l;
      budget = b;
      this.queue.splice(i--, 1);
      if (rows >= this.options.maxRows) break;
    }
    this.queuedRows -= rows;
    return batch;
  }

  private async runBatch(): Promise<void> {
    const batch = this.take();
    if (batch.length === 0) return;
    this.running = true;
    try {
      await this.generate(batch);
    } finally {
      this.running = false;
      this.schedule();
    }
  }

  private async generate(batch: Pending[]): Promise<void> {
    const inputIds: number[][] = [];
    const rows: { temperature: number; topP: number; maxNewTokens: number; seed: string; topLogprobs?: number }[] = [];
    const stopStrings: string[][] = [];
    const owner: { p: number; choice: number }[] = [];
    const vision = this.model.config.vision;
    const withPixels = vision !== null && batch.some((p) => p.req.pixels);
    const per = vision ? pixelsPerImage(vision) : 0;
    const totalRows = batch.reduce((s, p) => s + p.req.n, 0);
    const pixelValues = withPixels ? new Float32Array(totalRows * per) : undefined;
    batch.forEach(({ req }, p) => {
      for (let c = 0; c < req.n; c++) {
        if (pixelValues && req.pixels) pixelValues.set(req.pixels, inputIds.length * per);
        inputIds.push(req.ids);
        rows.push({ temperature: req.temperature, topP: req.topP, maxNewTokens: req.maxTokens, seed: `${req.seed}:${c}`, ...(req.topLogprobs ? { topLogprobs: req.topLogprobs } : {}) });
        stopStrings.push(req.stop);
        owner.push({ p, choice: c });
      }
    });
    const results: ChoiceResult[][] = batch.map((p) => Array.from({ length: p.req.n }, (): ChoiceResult => ({ tokens: [], logprobs: [], topLogprobs: [], finishReason: 'length' })));
    const left = batch.map((p) => p.req.n);
    const settled = new Array<boolean>(batch.length).fill(false);
    this.stats.batches++;
    this.stats.rows += totalRows;
    this.stats.requests += batch.length;
    try {
      await generate(this.model, {
        inputIds,
        pixelValues,
        rows,
        stopStrings,
        bakeWeights: true, // served weights never change, and baked sessions decode faster
        // A request whose client went away stops its rows; it is answered (rejected) once all are.
        stopRow: (row) => {
          const { p } = owner[row];
          if (!batch[p].req.signal?.aborted) return false;
          this.stats.stoppedRows++;
          if (--left[p] === 0) {
            settled[p] = true;
            batch[p].reject(clientGone());
          }
          return true;
        },
        onToken: (row, token, finish, logprob, top) => {
          const { p, choice } = owner[row];
          const r = results[p][choice];
          r.tokens.push(token);
          r.logprobs.push(logprob);
          if (top) r.topLogprobs.push([...top]);
          this.stats.tokens++;
          try {
            batch[p].req.onToken?.(choice, token, finish, logprob, top);
          } catch {
            // A client's stream failing (it went away) must not end its neighbours' rows.
          }
          if (finish) {
            r.finishReason = finish;
            // A request is answered as soon as its own rows are done, not when the batch is.
            if (--left[p] === 0) {
              settled[p] = true;
              batch[p].resolve(results[p]);
            }
          }
        },
      });
      batch.forEach((p, i) => settled[i] || p.resolve(results[i]));
    } catch (e) {
      batch.forEach((p, i) => settled[i] || p.reject(e));
    }
  }
}
