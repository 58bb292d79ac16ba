/**
 * The image worker thread (./image-decoder.ts): decodes each PNG payload it is sent and resamples it
 * to the model's input, so that neither holds the request thread. Replies in order, one a job, with
 * the pixels' buffers transferred rather than copied.
 */
import { parentPort } from 'node:worker_threads';
import { preprocessImage, type PatchSpec } from '../../agent/model/index.js';
import { pngFromBase64 } from './image-url.js';
import { ImageRejection, type ImageLimits } from './png-decode.js';

export interface ImageJob {
  id: number;
  /** The data URL's base64 payload. */
  base64: string;
  limits: ImageLimits;
  /** The model's patches: the input is made for their size and cap. */
  patches: PatchSpec;
}

export type ImageReply =
  | { id: number; ok: true; width: number; height: number; rgba: Uint8Array; pixels: Float32Array }
  /** A rejected image (its OpenAI error code), or `internal`: the decoder failed, not the image. */
  | { id: number; ok: false; code: ImageRejection['code'] | 'internal'; message: string };

if (!parentPort) throw new Error('server/chat/image-worker.ts runs as the image decoder\'s worker thread, not on its own');
const port = parentPort;
port.on('message', (job: ImageJob) => {
  let reply: ImageReply;
  try {
    const image = pngFromBase64(job.base64, job.limits);
    const rgba = image.data instanceof Uint8Array ? image.data : new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
    reply = { id: job.id, ok: true, width: image.width, height: image.height, rgba, pixels: preprocessImage(image, job.patches) };
  } catch (e) {
    // Anything but a rejection is a fault of the decoder's, reported as such (the thread lives on).
    reply = e instanceof ImageRejection ? { id: job.id, ok: false, code: e.code, message: e.message } : { id: job.id, ok: false, code: 'internal', message: String((e as Error)?.message ?? e) };
  }
  // Both arrays were made for this reply (never shared), so their buffers move to the request thread.
  port.postMessage(reply, reply.ok ? [reply.rgba.buffer as ArrayBuffer, reply.pixels.buffer as ArrayBuffer] : []);
});
port.postMessage('ready');
