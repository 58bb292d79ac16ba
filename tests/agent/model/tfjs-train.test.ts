/** bench:engine's TF.js comparison runs without TF.js's "install our node backend" banner. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { silenceTfjsBanner } from '../../../agent/model/tfjs-train.js';

describe('TF.js banner', () => {
  it('is not printed once silenced', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    silenceTfjsBanner();
    await tf.setBackend('cpu');
    tf.tensor([1, 2, 3]).dispose();
    expect(warn.mock.calls.flat().join(' ')).not.toMatch(/TensorFlow\.js in Node/);
    warn.mockRestore();
  });
});
