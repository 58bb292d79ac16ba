// The model: TinyLMM (weights plus sessions), its config, tokenizer, chat template and images, its
// graphs, checkpoints and export, and the functions that sample from it and score responses under it.
// The rest of the tree imports the model from here, never from its files.
//
//   const model = createModel('tiny', { seed: 1 });
//   const ids = model.tokenizer.encode('<|im_start|>user\nhi<|im_end|>\n');
//   const { data, dims } = await model.logits({ inputIds: [ids] });   // dims [1, T, vocab]
//   const [g] = await generate(model, { prompts: [[{ role: 'user', content: 'hi' }]], maxNewTokens: 16 });
//   const { logprobs } = await responseLogprobs(model, { promptIds: [ids], responseIds: [g.tokens] });
//   saveModel(model, 'runs/ckpt');  const again = loadModel('runs/ckpt');
//   exportOnnx(model, 'runs/tinylmm.onnx');
//   await model.dispose();
export { TinyLMM, type ModelOptions, type LogitsInput } from './tinylmm.js';
export type { Decoder, FloatTensor, PreparedPrompts, SessionLease } from './decoder.js';
export { createModel, loadModel, saveModel, type CreateOptions } from './create.js';
export { generate, distinctRows, type GenerateOptions, type Generation, type RowSampling, type TopLogprob } from './sampling.js';
export { responseLogprobs, type ResponseLogprobsInput, type ResponseLogprobs } from './logprobs.js';
export { presetConfig, parseConfig, maxImageTokens, pixelsPerImage, PRESET_NAMES, type ModelConfig, type VisionConfig, type PresetName } from './config.js';
export { Tokenizer, specialId, SPECIAL_TOKENS, VOCAB_SIZE, EOS, PAD, IMAGE, IMAGE_ROW, IM_START, IM_END, type SpecialToken } from './tokenizer.js';
export { applyChatTemplate, encodeChat, expandImageTokens, type ChatMessage, type ContentPart, type EncodedChat, type Role } from './chat.js';
export { imageGrid, preprocessImage, preprocessBatch, pixelRows, samePixelRows, type ImageGrid, type PatchSpec, type RGBAImage } from './image.js';
export { padBatch, checkImageTokens, imageLayout, type PaddedBatch } from './batch.js';
export { visionEncoder } from './model.js';
export { groupByPrompt, type PromptGroups } from './prompt-groups.js';
export { KVCache, CACHE_CHUNK, cacheCapacity } from './kv-cache.js';
export { initParams, parameterSpecs, countParameters, type Params } from './params.js';
export { encodeSafetensors, decodeSafetensors, type NamedTensor, type DecodedSafetensors } from './safetensors.js';
export { loadCheckpoint, type CheckpointData } from './checkpoint.js';
export { exportOnnx, exportOnnxBytes } from './export.js';
export { matmulParams, trainStepFlops, groupedTrainStepFlops, generateFlops } from './flops.js';
export * from './graphs.js';
