/**
 * `image_url` parts to pixels: PNG data URLs only. Remote URLs are refused rather than fetched (a
 * server that fetches what clients name can be made to reach the network it sits in). The URL's
 * head is read in the request thread (a cheap look at its first bytes); the payload is decoded in
 * the image worker (./image-decoder.ts), checked against the limits before any costly step
 * (./png-decode.ts).
 */
import type { RGBAImage } from '../../agent/model/index.js';
import { decodePng, ImageRejection, type ImageLimits } from './png-decode.js';

const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*?);base64,/i;

/** The base64 payload of a `data:image/png;base64,...` URL, or an ImageRejection saying what it is instead. */
export function pngPayload(url: string): string {
  const head = DATA_URL.exec(url.slice(0, 256));
  if (!head) {
    if (/^https?:/i.test(url)) throw new ImageRejection('this server does not fetch remote images; send the image inline as a data URL (data:image/png;base64,...)', 'invalid_image_url');
    throw new ImageRejection('expected a base64 PNG data URL (data:image/png;base64,...)', 'invalid_image_url');
  }
  const mime = head[1].toLowerCase();
  if (mime !== 'image/png') throw new ImageRejection(`only PNG images are supported, got ${mime || 'no media type'}`, 'invalid_image_format');
  return url.slice(head[0].length);
}

/** The pixels of a base64 PNG payload within `limits`, or an ImageRejection. */
export function pngFromBase64(b64: string, limits: ImageLimits): RGBAImage {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new ImageRejection('the data URL is not valid base64', 'invalid_image_url');
  return decodePng(Buffer.from(b64, 'base64'), limits);
}
