// Shared fixtures for the model tests: a very small config (fast graphs, float64-friendly), seeded
// images and token rows.
import seedrandom from 'seedrandom';
import { presetConfig, type ModelConfig, type RGBAImage } from '../../../agent/model/index.js';

/** A few thousand parameters, with vision, value head and every code path of the full presets. */
export function microConfig(overrides: Partial<ModelConfig> = {}): ModelConfig {
  return presetConfig('tiny', {
    dModel: 16,
    nLayers: 2,
    nHeads: 2,
    dMlp: 32,
    maxSeqLen: 48,
    vision: { patchSize: 4, maxPatches: 9, dModel: 8, nLayers: 1, nHeads: 2, dMlp: 16 },
    ...overrides,
  });
}

export function randomImage(seed: string, width = 12, height = 10): RGBAImage {
  const rng = seedrandom(seed);
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(rng() * 256);
  return { width, height, data };
}

export function randomTokens(seed: string, n: number, vocab = 256): number[] {
  const rng = seedrandom(seed);
  return Array.from({ length: n }, () => Math.floor(rng() * vocab));
}
