/**
 * The chat image decoder's worker (server/chat/image-decoder.ts): the pixels and the model input it
 * sends back are the ones the request thread would make; refusals are 400s naming the field; a
 * worker past its timeout is a 500 and is replaced; closing fails what waits with a 503.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { preprocessImage, presetConfig } from '../../../agent/model/index.js';
import { encodePngFast } from '../../../envs/render/png-node.js';
import { ImageDecoder } from '../../../server/chat/image-decoder.js';
import { pngFromBase64 } from '../../../server/chat/image-url.js';
import type { ImageLimits } from '../../../server/chat/png-decode.js';
import { chunk, dataUrl, encodePng, ihdr, pngFile } from './png-files.js';

const LIMITS: ImageLimits = { maxPixels: 2048 * 2048, maxSide: 4096, maxAspect: 16 };
const PARAM = 'messages[0].content[0].image_url.url';
const PATCHES = presetConfig('tiny').vision!;

function picture(width: number, height: number): Buffer {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 256;
  return encodePngFast({ width, height, data });
}

const decoders: ImageDecoder[] = [];
const decoder = (timeoutMs?: number) => {
  const d = new ImageDecoder(LIMITS, timeoutMs);
  decoders.push(d);
  return d;
};
afterAll(async () => Promise.all(decoders.map((d) => d.close())));

describe('image decoder', () => {
  it('gives the pixels and the model input the request thread would make', async () => {
    const d = decoder();
    for (const [w, h] of [[160, 160], [320, 160], [7, 90]]) {
      const png = picture(w, h);
      const image = await d.decode(dataUrl(png), PARAM, PATCHES);
      const here = pngFromBase64(png.toString('base64'), LIMITS);
      expect(image.width).toBe(w);
      expect(Buffer.from(image.data).equals(Buffer.from(here.data))).toBe(true);
      const input = d.pixelsOf(image, PATCHES);
      expect(Buffer.from(input.buffer).equals(Buffer.from(preprocessImage(here, PATCHES).buffer))).toBe(true);
    }
  });

  it('turns refusals into 400s naming the field', async () => {
    const d = decoder();
    const second = pngFile(ihdr(2, 2, 8, 2), ihdr(8000, 8000), chunk('IDAT', Buffer.alloc(8)), chunk('IEND'));
    await expect(d.decode(dataUrl(second), PARAM, PATCHES)).rejects.toMatchObject({ statusCode: 400, param: PARAM, code: 'invalid_image_format', message: expect.stringMatching(/^messages\[0\]\.content\[0\]\.image_url\.url: .*second IHDR/) });
    await expect(d.decode('https://example.com/a.png', PARAM, PATCHES)).rejects.toMatchObject({ statusCode: 400, code: 'invalid_image_url' });
    await expect(d.decode(dataUrl(pngFile(ihdr(1, 4096))), PARAM, PATCHES)).rejects.toMatchObject({ statusCode: 400, code: 'image_aspect_ratio_too_large' });
    // The worker lives on after refusals.
    const ok = encodePng({ width: 3, height: 3, depth: 8, colourType: 0, samples: new Uint8Array(9) });
    await expect(d.decode(dataUrl(ok), PARAM, PATCHES)).resolves.toMatchObject({ width: 3, height: 3 });
  });

  it('replaces a worker past its timeout, failing that image with a 500', async () => {
    const d = decoder(1);
    const big = dataUrl(picture(2048, 2048));
    await expect(d.decode(big, PARAM, PATCHES)).rejects.toMatchObject({ statusCode: 500, code: 'image_decoder_failed', message: expect.stringContaining('took over 0.001 s') });
    // The next image goes to a new worker (and, at this timeout, fails the same way instead of waiting forever).
    await expect(d.decode(big, PARAM, PATCHES)).rejects.toMatchObject({ statusCode: 500 });
  });

  it('fails what waits with a 503 on close', async () => {
    const d = decoder();
    const url = dataUrl(picture(512, 512));
    const waiting = [d.decode(url, PARAM, PATCHES), d.decode(url, PARAM, PATCHES)].map((p) => p.catch((e: unknown) => e));
    await d.close();
    for (const w of waiting) expect(await w).toMatchObject({ statusCode: 503, code: 'server_shutting_down' });
    await expect(d.decode(url, PARAM, PATCHES)).rejects.toMatchObject({ statusCode: 503 });
  });
});
