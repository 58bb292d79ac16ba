// ONNX export: a fresh ORT session (plain onnxruntime-node, none of our code) loads the file and
// matches model.logits; and text-only inputs ignore pixel values entirely.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { createModel, exportOnnx, pixelsPerImage, preprocessBatch } from '../../../agent/model/index.js';
import { randomImage } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'tinylmm-onnx-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('exportOnnx', () => {
  it('loads in a fresh ORT session and matches model.logits (images of three shapes + a text row)', async () => {
    const model = createModel('tiny', { seed: 9, threads: 1 });
    const file = join(root, 'tinylmm.onnx');
    exportOnnx(model, file);
    // A 6x6 board's frame (36 patches), a Football frame (shrunk to 10x5) and a small odd image (3x2).
    const shapes = [[96, 96], [320, 160], [40, 30]];
    const p = model.prepare([...shapes.map(([w, h], i) => [{ role: 'user' as const, content: [{ type: 'image' as const, image: randomImage(`x${i}`, w, h) }, { type: 'text' as const, text: 'hi' }] }]), 'short']);
    const ours = await model.logits(p);
    const [B, T] = ours.dims;
    const v = model.config.vision!;
    const s = await ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
    expect([...s.inputNames].sort()).toEqual(['attention_mask', 'input_ids', 'pixel_values']);
    expect(s.outputNames).toEqual(['logits']);
    const ids = new BigInt64Array(B * T).fill(263n);
    const mask = new BigInt64Array(B * T);
    p.inputIds.forEach((row, b) => row.forEach((t, i) => ((ids[b * T + i] = BigInt(t)), (mask[b * T + i] = 1n))));
    const out = await s.run({
      input_ids: new ort.Tensor('int64', ids, [B, T]),
      attention_mask: new ort.Tensor('int64', mask, [B, T]),
      pixel_values: new ort.Tensor('float32', p.pixelValues!, [B, v.maxPatches, 3 * v.patchSize ** 2]),
    });
    expect(out.logits.dims).toEqual(ours.dims);
    const theirs = out.logits.data as Float32Array;
    let worst = 0;
    for (let i = 0; i < theirs.length; i++) worst = Math.max(worst, Math.abs(theirs[i] - ours.data[i]));
    expect(worst).toBeLessThan(1e-4);
    await s.release();
    await model.dispose();
  });

  it('a failed export leaves nothing behind', () => {
    const model = createModel('tiny', { seed: 9 });
    const dir = join(root, 'is-a-directory.onnx');
    mkdirSync(dir);
    expect(() => exportOnnx(model, dir)).toThrow();
    expect(readdirSync(root).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('text-only rows give the same logits whatever the pixel values', async () => {
    const model = createModel('tiny', { seed: 3, threads: 1 });
    const ids = [model.tokenizer.encode('<|im_start|>user\nno image here<|im_end|>\n')];
    const zero = await model.logits({ inputIds: ids });
    const noisy = await model.logits({ inputIds: ids, pixelValues: preprocessBatch([randomImage('noise', 56, 56)], model.config.vision!) });
    const huge = await model.logits({ inputIds: ids, pixelValues: new Float32Array(pixelsPerImage(model.config.vision!)).fill(1e30) });
    expect(Buffer.from(noisy.data.buffer).equals(Buffer.from(zero.data.buffer))).toBe(true);
    expect(Buffer.from(huge.data.buffer).equals(Buffer.from(zero.data.buffer))).toBe(true);
    // ... while an image row does depend on them.
    const withImg = model.prepare([[{ role: 'user', content: [{ type: 'image', image: randomImage('a', 56, 56) }] }]]);
    const a = await model.logits(withImg);
    const b = await model.logits({ inputIds: withImg.inputIds, pixelValues: preprocessBatch([randomImage('b', 56, 56)], model.config.vision!) });
    expect(Buffer.from(a.data.buffer).equals(Buffer.from(b.data.buffer))).toBe(false);
    await model.dispose();
  });
});
