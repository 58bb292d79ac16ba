/**
 * `image_url` parts to pixels: PNG data URLs only. Remote URLs are refused rather than fetched (a
 * server that fetches what clients name can be made to reach the network it sits in), and the
 * PNG header's size is checked before decoding, so a small file that claims a huge image (a
 * decompression bomb) is refused without allocating it.
 */
import { convertIndexedToRgb, decode, type DecodedPng } from 'fast-png';
import type { RGBAImage } from '../../agent/model/index.js';
import { invalid } from './openai-error.js';

export interface ImageLimits {
  /** Most pixels (width x height) of one image. */
  maxPixels: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*?);base64,/i;

/** Decodes a `data:image/png;base64,...` URL into RGBA pixels; `param` names the field in errors. */
export function decodeImageUrl(url: string, param: string, limits: ImageLimits): RGBAImage {
  const head = DATA_URL.exec(url.slice(0, 256));
  if (!head) {
    if (/^https?:/i.test(url)) throw invalid(`${param}: this server does not fetch remote images; send the image inline as a data URL (data:image/png;base64,...)`, param, 'invalid_image_url');
    throw invalid(`${param}: expected a base64 PNG data URL (data:image/png;base64,...)`, param, 'invalid_image_url');
  }
  const mime = head[1].toLowerCase();
  if (mime !== 'image/png') throw invalid(`${param}: only PNG images are supported, got ${mime || 'no media type'}`, param, 'invalid_image_format');
  const b64 = url.slice(head[0].length);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw invalid(`${param}: the data URL is not valid base64`, param, 'invalid_image_url');
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length < 24 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) throw invalid(`${param}: the data is not a PNG file`, param, 'invalid_image_format');
  // IHDR is the first chunk: width and height at bytes 16..23.
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  if (width === 0 || height === 0 || width * height > limits.maxPixels) {
    throw invalid(`${param}: a ${width}x${height} image is outside the limit of ${limits.maxPixels} pixels`, param, 'image_too_large');
  }
  let png: DecodedPng;
  try {
    png = decode(bytes);
  } catch (e) {
    throw invalid(`${param}: the PNG does not decode (${(e as Error).message})`, param, 'invalid_image_format');
  }
  return toRgba(png, param);
}

/** Any 8- or 16-bit PNG (grey, grey+alpha, RGB, RGBA or palette) as 8-bit RGBA. */
function toRgba(png: DecodedPng, param: string): RGBAImage {
  let { data, channels, depth } = png;
  if (png.palette) {
    try {
      data = convertIndexedToRgb(png);
    } catch (e) {
      throw invalid(`${param}: the PNG's palette data does not decode (${(e as Error).message})`, param, 'invalid_image_format');
    }
    channels = png.palette[0]?.length ?? 3; // RGB, or RGBA when the palette has alpha
    depth = 8;
  }
  if (depth !== 8 && depth !== 16) throw invalid(`${param}: PNG bit depth ${depth} is not supported (use 8 or 16)`, param, 'invalid_image_format');
  const n = png.width * png.height;
  if (data.length !== n * channels) throw invalid(`${param}: the PNG's pixel data has the wrong size`, param, 'invalid_image_format');
  const shift = depth === 16 ? 8 : 0;
  const out = new Uint8Array(n * 4);
  for (let p = 0; p < n; p++) {
    const at = p * channels;
    const v = (c: number) => data[at + c] >> shift;
    const grey = channels <= 2;
    out[p * 4] = v(0);
    out[p * 4 + 1] = grey ? v(0) : v(1);
    out[p * 4 + 2] = grey ? v(0) : v(2);
    out[p * 4 + 3] = channels === 2 ? v(1) : channels === 4 ? v(3) : 255;
  }
  return { width: png.width, height: png.height, data: out };
}
