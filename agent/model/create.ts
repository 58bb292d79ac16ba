// The agent package's public interface: create, load, save and export TinyLMM models.
//
//   const model = createModel('tiny', { seed: 1 });
//   const ids = model.tokenizer.encode('<|im_start|>user\nhi<|im_end|>\n');
//   const { data, dims } = await model.logits({ inputIds: [ids] });   // dims [1, T, vocab]
//   const [g] = await model.generate({ prompts: [[{ role: 'user', content: 'hi' }]], maxNewTokens: 16 });
//   saveModel(model, 'runs/ckpt');  const again = loadModel('runs/ckpt');
//   exportOnnx(model, 'runs/tinylmm.onnx');
//   await model.dispose();
import { loadCheckpoint, saveCheckpoint } from './model/checkpoint.js';
import { presetConfig, type ModelConfig, type PresetName } from './model/config.js';
import { initParams, type Params } from './model/params.js';
import { TinyLMM, type ModelOptions } from './model/tinylmm.js';

export { TinyLMM } from './model/tinylmm.js';
export type { ModelOptions, LogitsInput, FloatTensor, PreparedPrompts } from './model/tinylmm.js';
export type { GenerateOptions, Generation } from './model/sampling.js';
export type { ScoreInput, Scores } from './model/score.js';
export { exportOnnx, exportOnnxBytes } from './model/export.js';
export { presetConfig, parseConfig, numImageTokens, PRESET_NAMES, type ModelConfig, type PresetName } from './model/config.js';
export { Tokenizer, SPECIAL_TOKENS, VOCAB_SIZE, EOS, PAD, IMAGE, IM_START, IM_END } from './model/tokenizer.js';
export { applyChatTemplate, expandImageTokens, type ChatMessage, type ContentPart } from './model/chat.js';
export { preprocessImage, preprocessBatch, type RGBAImage } from './model/image.js';
export { parameterSpecs, countParameters, type Params } from './model/params.js';
export { loadCheckpoint, type CheckpointData } from './model/checkpoint.js';
export * from './model/graphs.js';

export interface CreateOptions extends ModelOptions {
  seed?: number | string;
  /** Overrides on top of the preset (validated). */
  config?: Partial<ModelConfig>;
}

/** A freshly initialised model (seeded: same preset and seed give identical weights). */
export function createModel(preset: PresetName = 'tiny', opts: CreateOptions = {}): TinyLMM {
  const config = presetConfig(preset, opts.config);
  return new TinyLMM(preset, config, initParams(config, opts.seed ?? 0), 0, {}, { threads: opts.threads, device: opts.device });
}

/** Loads a checkpoint directory, checking names, shapes, checksums and the tokenizer. */
export function loadModel(dir: string, opts: ModelOptions = {}): TinyLMM {
  const ck = loadCheckpoint(dir);
  return new TinyLMM(ck.preset, ck.config, ck.params, ck.step, ck.metrics, opts);
}

/**
 * Saves atomically: a crash mid-save leaves the previous checkpoint in `dir` loadable. `state`
 * (optimizer moments, ...) is stored beside the weights; `loadCheckpoint(dir).state` reads it back.
 */
export function saveModel(model: TinyLMM, dir: string, opts: { state?: Params } = {}): void {
  saveCheckpoint(dir, { preset: model.preset, config: model.config, params: model.params, step: model.step, metrics: model.metrics, state: opts.state });
}
