// TinyLMM configuration: one typed config, presets that override only what differs, and a strict
// parser (unknown keys and wrong types are rejected) so a checkpoint's manifest can be trusted.
// Shape in the spirit of nanoGPT's GPTConfig + config/*.py.
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { VOCAB_SIZE } from './tokenizer.js';

const VisionConfigSchema = Type.Object(
  {
    patchSize: Type.Integer({ minimum: 1 }), // side of a square patch in pixels: one image token each
    maxPatches: Type.Integer({ minimum: 1 }), // the cap on one image's patches: larger images are scaled down to fit
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
    // Images keep their aspect ratio at their own resolution when within the cap (Qwen2-VL's dynamic
    // resolution), else shrink by a whole factor. Sokoban draws 16-pixel tiles, so a board of any size
    // up to 10x10 is read one tile a patch, never straddling two; Football's 320x160 frames become
    // 10x5 patches.
    patchSize: 16,
    maxPatches: 100,
    dModel: 64,
    nLayers: 1,
    nHeads: 2,
    dMlp: 256,
  },
};

/** Presets override only what differs from DEFAULTS (which is `tiny`, about 1M parameters). */
const PRESETS: Record<PresetName, Partial<ModelConfig>> = {
  tiny: {},
  // ~5M: twice the width, a little deeper; boards up to 12x12 at one patch a tile.
  small: {
    dModel: 256,
    nLayers: 6,
    nHeads: 8,
    dMlp: 1024,
    maxSeqLen: 1024,
    vision: { patchSize: 16, maxPatches: 144, dModel: 128, nLayers: 2, nHeads: 4, dMlp: 512 },
  },
  // ~24M: GPU-sized; RoPE because its contexts are long.
  base: {
    dModel: 512,
    nLayers: 7,
    nHeads: 8,
    dMlp: 2048,
    maxSeqLen: 1024,
    positions: 'rope',
    vision: { patchSize: 16, maxPatches: 256, dModel: 256, nLayers: 2, nHeads: 4, dMlp: 1024 },
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
    if (v.dModel % v.nHeads !== 0) fail(`vision.dModel ${v.dModel} is not divisible by vision.nHeads ${v.nHeads}`);
    if (maxImageTokens(v) >= c.maxSeqLen) fail(`an image may take ${maxImageTokens(v)} tokens (vision.maxPatches ${v.maxPatches} and a row end each), not fewer than maxSeqLen ${c.maxSeqLen}`);
  }
  return structuredClone(c);
}

/** The most decoder positions one image can take: a patch each, and a row end for each row (at most one a patch). */
export function maxImageTokens(v: VisionConfig): number {
  return 2 * v.maxPatches;
}

/** Floats of one image's pixel_values row: `maxPatches` patches of 3 x patch x patch, unused ones zero. */
export function pixelsPerImage(v: Pick<VisionConfig, 'patchSize' | 'maxPatches'>): number {
  return v.maxPatches * 3 * v.patchSize * v.patchSize;
}
