// The same text-only TinyLMM train step (pre-norm RMSNorm, learned positions, tanh-GELU MLP, tied
// head, next-token cross-entropy, Adam) in @tensorflow/tfjs on its CPU backend: bench:engine's
// comparison point for ONNX Runtime. Only the decoder, like the ORT step it is compared with.
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import type { ModelConfig } from './config.js';

/**
 * TF.js's CPU backend prints a banner on first use in Node ("install our node backend") that the
 * benchmark has already answered: it measures the CPU backend because @tensorflow/tfjs-node cannot
 * be installed here (its install downloads libtensorflow from outside the npm registry). Its
 * warnings go through a logger that stays quiet under the PROD flag, which otherwise only drops
 * debug checks.
 */
export function silenceTfjsBanner(): void {
  tf.env().set('PROD', true);
}

/** Seconds for one train step of `batch` x `seq` tokens (best of `runs`, after a warm-up step). */
export async function tfjsTrainStepSeconds(c: ModelConfig, batch: number, seq: number, runs = 1): Promise<number> {
  silenceTfjsBanner();
  await tf.setBackend('cpu');
  const D = c.dModel;
  const H = c.nHeads;
  const hd = D / H;
  let seed = 1;
  const w = (shape: number[]) => tf.variable(tf.randomNormal(shape, 0, 0.02, 'float32', seed++));
  const ones = (n: number) => tf.variable(tf.ones([n]));
  const embed = w([c.vocabSize, D]);
  const pos = w([c.maxSeqLen, D]);
  const layers = Array.from({ length: c.nLayers }, () => ({
    n1: ones(D), q: w([D, D]), k: w([D, D]), v: w([D, D]), o: w([D, D]), n2: ones(D), up: w([D, c.dMlp]), down: w([c.dMlp, D]),
  }));
  const nf = ones(D);
  const rng = seedrandom('tfjs');
  const ids = Array.from({ length: batch * (seq + 1) }, () => Math.floor(rng() * 256));
  const input = tf.tensor2d(ids.filter((_, i) => i % (seq + 1) !== seq), [batch, seq], 'int32');
  const target = tf.oneHot(tf.tensor1d(ids.filter((_, i) => i % (seq + 1) !== 0), 'int32'), c.vocabSize);
  const bias = tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([seq, seq]), -1, 0)), -1e9);
  const rms = (x: tf.Tensor, g: tf.Tensor) => tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), c.normEps))), g);
  const lin = (x: tf.Tensor, m: tf.Tensor) => tf.reshape(tf.matMul(tf.reshape(x, [-1, x.shape[2]!]), m as tf.Tensor2D), [batch, seq, -1]);
  const heads = (x: tf.Tensor) => tf.transpose(tf.reshape(x, [batch, seq, H, hd]), [0, 2, 1, 3]);
  const gelu = (x: tf.Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI)))));
  const lossFn = (): tf.Scalar => {
    let x: tf.Tensor = tf.add(tf.gather(embed, input), tf.slice(pos, [0, 0], [seq, D]));
    for (const l of layers) {
      const h = rms(x, l.n1);
      const att = tf.softmax(tf.add(tf.mul(tf.matMul(heads(lin(h, l.q)), heads(lin(h, l.k)), false, true), 1 / Math.sqrt(hd)), bias));
      const y = tf.reshape(tf.transpose(tf.matMul(att, heads(lin(h, l.v))), [0, 2, 1, 3]), [batch, seq, D]);
      x = tf.add(x, lin(y, l.o));
      x = tf.add(x, lin(gelu(lin(rms(x, l.n2), l.up)), l.down));
    }
    const logits = tf.matMul(tf.reshape(rms(x, nf), [-1, D]), embed, false, true);
    return tf.losses.softmaxCrossEntropy(target, logits) as tf.Scalar;
  };
  const opt = tf.train.adam(1e-3, 0.9, 0.95);
  const step = () => tf.tidy(() => void opt.minimize(lossFn));
  step(); // warm-up
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    step();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  tf.dispose([input, target, bias]);
  opt.dispose();
  tf.disposeVariables();
  return best;
}
