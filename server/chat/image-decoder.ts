/**
 * Chat images decoded off the request thread: one worker thread (./image-worker.ts) takes the
 * images of all requests in arrival order, decodes each within the limits and resamples it to the
 * model's input. The request thread only reads the data URL's head, so no image, however crafted,
 * holds the event loop: /v1/health and every other client are answered while it is decoded.
 *
 * The worker starts with the first image and is unreferenced (an idle decoder keeps no process
 * alive). A worker that dies, or takes longer than the timeout on one image (the limits keep a
 * decode well under a second), fails that image's request with a 500 and is replaced.
 */
import type { Worker } from 'node:worker_threads';
import type { PatchSpec, RGBAImage } from '../../agent/model/index.js';
import { startTsWorker } from '../services/ts-worker.js';
import { pngPayload } from './image-url.js';
import type { ImageJob, ImageReply } from './image-worker.js';
import { invalid, OpenAIError } from './openai-error.js';
import { ImageRejection, type ImageLimits } from './png-decode.js';

/** Longest one image may take in the worker before the worker is replaced. */
const DECODE_TIMEOUT_MS = 30_000;
/** Old-generation heap of the worker (pixels live outside it, in array buffers). */
const WORKER_HEAP_MB = 256;

interface Pending {
  job: ImageJob;
  resolve: (reply: ImageReply) => void;
  reject: (err: Error) => void;
}

export class ImageDecoder {
  private worker: Worker | null = null;
  private ready = false;
  private readonly queue: Pending[] = [];
  private current: { pending: Pending; timer: NodeJS.Timeout } | null = null;
  private nextId = 1;
  private closed = false;
  /** The model input made beside each decoded image, by the image object decode() returned. */
  private readonly inputs = new WeakMap<RGBAImage, { patches: PatchSpec; pixels: Float32Array }>();

  constructor(
    private readonly limits: ImageLimits,
    private readonly timeoutMs = DECODE_TIMEOUT_MS,
  ) {}

  /**
   * The pixels of an `image_url` (a PNG data URL) within the limits, made into the input of a model
   * reading `patches`; a bad or oversized image is a 400 naming `param`.
   */
  async decode(url: string, param: string, patches: PatchSpec): Promise<RGBAImage> {
    let base64: string;
    try {
      base64 = pngPayload(url);
    } catch (e) {
      if (e instanceof ImageRejection) throw invalid(`${param}: ${e.message}`, param, e.code);
      throw e;
    }
    if (this.closed) throw new OpenAIError(503, 'the server is shutting down', null, 'server_shutting_down');
    const reply = await new Promise<ImageReply>((resolve, reject) => {
      this.queue.push({ job: { id: this.nextId++, base64, limits: this.limits, patches: { patchSize: patches.patchSize, maxPatches: patches.maxPatches } }, resolve, reject });
      this.dispatch();
    });
    if (!reply.ok) {
      if (reply.code === 'internal') throw new OpenAIError(500, `${param}: the image decoder failed on this image: ${reply.message}`, param, 'image_decoder_failed');
      throw invalid(`${param}: ${reply.message}`, param, reply.code);
    }
    const image: RGBAImage = { width: reply.width, height: reply.height, data: reply.rgba };
    this.inputs.set(image, { patches, pixels: reply.pixels });
    return image;
  }

  /** The model input the worker made for an image decode() returned (resampling it here would hold the loop). */
  pixelsOf(image: RGBAImage, patches: PatchSpec): Float32Array {
    const made = this.inputs.get(image);
    if (!made || made.patches.patchSize !== patches.patchSize || made.patches.maxPatches !== patches.maxPatches) {
      throw new Error(`pixelsOf: this ${image.width}x${image.height} image was not decoded for ${patches.maxPatches} patches of ${patches.patchSize} px by this decoder`);
    }
    return made.pixels;
  }

  /** Stops the worker; images waiting or being decoded fail with a 503. */
  async close(): Promise<void> {
    this.closed = true;
    const shutting = () => new OpenAIError(503, 'the server is shutting down', null, 'server_shutting_down');
    for (const p of this.queue.splice(0)) p.reject(shutting());
    if (this.current) {
      clearTimeout(this.current.timer);
      this.current.pending.reject(shutting());
      this.current = null;
    }
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private dispatch(): void {
    if (this.closed || this.current || this.queue.length === 0) return;
    if (!this.worker) this.spawn();
    if (!this.ready) return; // sent when the worker says it is ready
    const pending = this.queue.shift()!;
    const worker = this.worker!;
    const timer = setTimeout(() => this.lose(worker, `it took over ${this.timeoutMs / 1000} s on one image`), this.timeoutMs);
    this.current = { pending, timer };
    worker.postMessage(pending.job);
  }

  private spawn(): void {
    const worker = startTsWorker(new URL('./image-worker.ts', import.meta.url), {}, { maxOldGenerationSizeMb: WORKER_HEAP_MB });
    worker.unref();
    this.worker = worker;
    this.ready = false;
    worker.on('message', (reply: ImageReply | 'ready') => {
      if (worker !== this.worker) return;
      if (reply === 'ready') {
        this.ready = true;
        return this.dispatch();
      }
      const current = this.current;
      if (!current || current.pending.job.id !== reply.id) return;
      clearTimeout(current.timer);
      this.current = null;
      current.pending.resolve(reply);
      this.dispatch();
    });
    let reason = '';
    worker.on('error', (err) => (reason = `${err.name}: ${err.message}`));
    worker.on('exit', (code) => this.lose(worker, reason || `it exited with code ${code}`));
  }

  /** The worker is gone, or is made to go: the image it held fails, and the next one gets a new worker. */
  private lose(worker: Worker, reason: string): void {
    if (worker !== this.worker) return; // already replaced (a terminate's own exit event)
    const started = this.ready;
    this.worker = null;
    this.ready = false;
    void worker.terminate();
    const failed = (what: string) => new OpenAIError(500, `${what}: ${reason}`, null, 'image_decoder_failed');
    if (this.current) {
      clearTimeout(this.current.timer);
      this.current.pending.reject(failed('the image decoder failed on this image and is replaced'));
      this.current = null;
    }
    // A worker that cannot start would fail again: what waits fails, and the next image tries anew.
    if (!started) for (const p of this.queue.splice(0)) p.reject(failed('the image decoder could not start'));
    this.dispatch();
  }
}

