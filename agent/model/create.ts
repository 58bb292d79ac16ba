// Where a TinyLMM comes from (a seeded init of a preset, or a checkpoint directory) and how one is
// saved back to a checkpoint.
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { presetConfig, type ModelConfig, type PresetName } from './config.js';
import { initParams, type Params } from './params.js';
import { TinyLMM, type ModelOptions } from './tinylmm.js';

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
