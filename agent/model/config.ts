// TinyLMM configuration: one typed config, presets that override only what differs, and a strict
// parser (unknown keys and wrong types are rejected) so a checkpoint's manifest can be trusted.
// Shape in the spirit of nanoGPT's GPTConfig + config/*.py.
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { VOCAB_SIZE } from './tokenizer.js';

const VisionConfigSchema = Type.Object(
  {
    imageSize: Type.Integer({ minimum: 1 }), // square input side in pixels, after resizing
    patchSize: Type.Integer({ minimum: 1 }), // must divide imageSize
    dModel: Type.Integer({ minimum: 1 }),
    nLayers: Type.Integer({ minimum: 0 }), // zero: patches go straight to the projection
    nHeads: Type.Integer({ minimum: 1 }),
    dMlp: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);

export const ModelConfigSchema = Type.Object(
  {
    vocabSize: Type.Integer({ minimum: 1 }),
    dModel: Type.Integer({ minimum: 1 }),
    nLayers: Type.Integer({ minimum: 1 }),
    nHeads: Type.Integer({ minimum: 1 }),
    dMlp: Type.Integer({ minimum: 1 }),
    maxSeqLen: Type.Integer({ minimum: 1 }),
    positions: Type.Union([Type.Literal('learned'), Type.Literal('rope')]),
    mlp: Type.Union([Type.Literal('gelu'), Type.Literal('swiglu')]),
    normEps: Type.Number({ exclusiveMinimum: 0 }),
    ropeBase: Type.Number({ exclusiveMinimum: 0 }),
    valueHead: Type.Boolean(),
    initStd: Type.Number({ exclusiveMinimum: 0 }),
    vision: Type.Union([VisionConfigSchema, Type.Null()]),
  },
  { additionalProperties: false },
);

export type ModelConfig = Static<typeof ModelConfigSchema>;
export type VisionConfig = Static<typeof VisionConfigSchema>;
export type PresetName = 'tiny' | 'small' | 'base';
export const PRESET_NAMES: readonly PresetName[] = ['tiny', 'small', 'base'];

const DEFAULTS: ModelConfig = {
  vocabSize: VOCAB_SIZE, // byte-level: 256 bytes + special tokens
  dModel: 128,
  nLayers: 4,
  nHeads: 4,
  dMlp: 512, // 4 x dModel, as in GPT-2
  maxSeqLen: 512, // enough for a Sokoban prompt with its image tokens plus a reasoned answer
  positions: 'learned', // cheapest in graph ops; RoPE is available for longer contexts
  mlp: 'gelu', // tanh-form GELU: float64 kernels exist (Erf has none), so gradient checks run in f64
  normEps: 1e-5,
  ropeBase: 10000,
  valueHead: true, // a scalar head is cheap and PPO needs it; a graph that does not use the head leaves it without an update
  initStd: 0.02, // GPT-2's init; residual output projections are scaled down by 1/sqrt(2 nLayers)
  vision: {
    imageSize: 56, // 7 x 8: one 8-pixel patch per cell of a 7x7 Sokoban board
    patchSize: 8,
    dModel: 64,
    nLayers: 1,
    nHeads: 2,
    dMlp: 256,
  },
};

/** Presets override only what differs from DEFAULTS (which is `tiny`, about 1M parameters). */
const PRESETS: Record<PresetName, Partial<ModelConfig>> = {
  tiny: {},
  // ~5M: twice the width, a little deeper; 80 px images give one patch per cell of a 10x10 board.
  small: {
    dModel: 256,
    nLayers: 6,
    nHeads: 8,
    dMlp: 1024,
    maxSeqLen: 1024,
    vision: { imageSize: 80, patchSize: 8, dModel: 128, nLayers: 2, nHeads: 4, dMlp: 512 },
  },
  // ~24M: GPU-sized; RoPE because its contexts are long.
  base: {
    dModel: 512,
    nLayers: 7,
    nHeads: 8,
    dMlp: 2048,
    maxSeqLen: 1024,
    positions: 'rope',
    vision: { imageSize: 112, patchSize: 8, dModel: 256, nLayers: 2, nHeads: 4, dMlp: 1024 },
  },
};

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

/** The resolved config of a preset, with optional overrides (validated like any config). */
export function presetConfig(preset: PresetName, overrides: Partial<ModelConfig> = {}): ModelConfig {
  if (!isPresetName(preset)) throw new Error(`unknown preset "${String(preset)}" (expected one of ${PRESET_NAMES.join(', ')})`);
  return parseConfig({ ...DEFAULTS, ...PRESETS[preset], ...overrides });
}

/** Validates an untrusted object (a manifest, CLI overrides) into a ModelConfig, or throws naming every problem. */
export function parseConfig(raw: unknown): ModelConfig {
  if (!Value.Check(ModelConfigSchema, raw)) {
    const problems = [...Value.Errors(ModelConfigSchema, raw)].slice(0, 8).map((e) => `${e.path || '/'}: ${e.message}`);
    throw new Error(`invalid model config: ${problems.join('; ')}`);
  }
  const c = raw as ModelConfig;
  const fail = (msg: string): never => {
    throw new Error(`invalid model config: ${msg}`);
  };
  if (c.dModel % c.nHeads !== 0) fail(`dModel ${c.dModel} is not divisible by nHeads ${c.nHeads}`);
  if (c.positions === 'rope' && (c.dModel / c.nHeads) % 2 !== 0) fail('RoPE needs an even head size');
  if (c.vocabSize !== VOCAB_SIZE) fail(`vocabSize ${c.vocabSize} does not match the tokenizer's ${VOCAB_SIZE}`);
  if (c.vision) {
    const v = c.vision;
    if (v.imageSize % v.patchSize !== 0) fail(`vision.patchSize ${v.patchSize} does not divide imageSize ${v.imageSize}`);
    if (v.dModel % v.nHeads !== 0) fail(`vision.dModel ${v.dModel} is not divisible by vision.nHeads ${v.nHeads}`);
    if (numImageTokens(c) >= c.maxSeqLen) fail('an image has more tokens than maxSeqLen');
  }
  return structuredClone(c);
}

/** How many decoder positions one image occupies (one per patch). */
export function numImageTokens(c: ModelConfig): number {
  if (!c.vision) return 0;
  const side = c.vision.imageSize / c.vision.patchSize;
  return side * side;
}
