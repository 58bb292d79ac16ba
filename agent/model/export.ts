// ONNX export: the inference graph with the weights embedded, in Hugging Face naming (input_ids,
// attention_mask, pixel_values -> logits), runnable by any ONNX Runtime (Python, C++, web).
import { resolve } from 'node:path';
import { writeFileAtomic } from '../../envs/node/atomic-file.js';
import { toOnnx } from '../engine/index.js';
import { buildLogitsGraph } from './graphs.js';
import type { TinyLMM } from './tinylmm.js';

/** The ONNX bytes of `model`'s logits graph with its current weights as initializers. */
export function exportOnnxBytes(model: TinyLMM): Uint8Array {
  return toOnnx(buildLogitsGraph(model.config, { bake: model.params }).graph);
}

/** Writes the export to `file` (temporary file, then rename, so a reader never sees half a model). */
export function exportOnnx(model: TinyLMM, file: string): void {
  // A failed export (disk full, `file` is a directory) leaves no debris.
  writeFileAtomic(resolve(file), exportOnnxBytes(model));
}
