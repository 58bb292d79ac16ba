// Analytic FLOP counts for TinyLMM's decoder, the numerator of every model FLOP/s figure in
// bench:engine: 6 x (matmul parameters) x tokens for a train step (forward 2, backward 4), plus the
// attention products, which have no parameters (QK^T and AV: 4 T S D per layer forward).
import type { ModelConfig } from './config.js';

/** Parameters that multiply every token: the blocks' projections and the tied LM head. */
export function matmulParams(c: ModelConfig): { blocks: number; head: number } {
  const perLayer = 4 * c.dModel * c.dModel + (c.mlp === 'swiglu' ? 3 : 2) * c.dModel * c.dMlp;
  return { blocks: c.nLayers * perLayer, head: c.vocabSize * c.dModel };
}

/** One text-only train step on `batch` rows of `seq` tokens (the full T x T score matrix is computed). */
export function trainStepFlops(c: ModelConfig, batch: number, seq: number): number {
  const { blocks, head } = matmulParams(c);
  const tokens = batch * seq;
  return 6 * (blocks + head) * tokens + 3 * 4 * c.nLayers * batch * seq * seq * c.dModel;
}

/**
 * One train step over prompt groups (the RL update's layout): `groups` prompts of `prefix` tokens run
 * once, `rows` continuations of `cont` tokens attend to their prompt and to themselves.
 */
export function groupedTrainStepFlops(c: ModelConfig, groups: number, prefix: number, rows: number, cont: number): number {
  const { blocks, head } = matmulParams(c);
  const prompts = 6 * blocks * groups * prefix + 3 * 4 * c.nLayers * groups * prefix * prefix * c.dModel;
  return prompts + 6 * (blocks + head) * rows * cont + 3 * 4 * c.nLayers * rows * cont * (prefix + cont) * c.dModel;
}

/**
 * A whole generate call: a prefill of `prompt` tokens (LM head on the last position only) for each
 * of its `distinct` prompts (default all rows: repeated prompts are prefilled once), and `newTokens`
 * steps for every row, each attending over the keys so far.
 */
export function generateFlops(c: ModelConfig, batch: number, prompt: number, newTokens: number, distinct = batch): number {
  const { blocks, head } = matmulParams(c);
  const prefill = 2 * blocks * prompt + 4 * c.nLayers * prompt * prompt * c.dModel + 2 * head;
  let steps = 0;
  for (let i = 1; i < newTokens; i++) steps += 2 * (blocks + head) + 4 * c.nLayers * (prompt + i) * c.dModel;
  return distinct * prefill + batch * steps;
}
