/** The native PNG encoder for Node (Skia through @napi-rs/canvas). Node-only. */
import { createCanvas } from '@napi-rs/canvas';
import type { PngEncoder } from './png.js';

export const napiPngEncoder: PngEncoder = (image) => {
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  const data = ctx.createImageData(image.width, image.height);
  data.data.set(image.data);
  ctx.putImageData(data, 0, 0);
  const buf = canvas.toBuffer('image/png');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
};
