// Log-probs of given responses under the model: the grouped graph (a), each distinct prompt run once
// for the responses that follow it (prompt-groups.ts), cut back to one array per response. What RL
// needs after sampling: log p of each response token given everything before it, and (PPO) the value
// of the state in which each token was chosen.
import type { Decoder } from './decoder.js';
import { pixelRows, samePixelRows } from './image.js';
import { groupByPrompt } from './prompt-groups.js';

export interface ResponseLogprobsInput {
  promptIds: number[][];
  responseIds: number[][];
  /** (B, 3, H, W) for prompts with <image> tokens. */
  pixelValues?: Float32Array;
  /** Also return values from the value head. */
  values?: boolean;
}

export interface ResponseLogprobs {
  /** logprobs[b][i] = log p(response[b][i] | prompt[b], response[b][..i]). */
  logprobs: number[][];
  /** values[b][i]: the value head at the position that predicts response[b][i]. */
  values?: number[][];
}

export async function responseLogprobs(model: Decoder, input: ResponseLogprobsInput): Promise<ResponseLogprobs> {
  const { promptIds, responseIds } = input;
  const px = input.pixelValues;
  const B = promptIds.length;
  const groups = groupByPrompt(promptIds, responseIds, { sameImage: px ? (i, j) => samePixelRows(px, B, i, j) : undefined });
  model.checkRows(promptIds.map((p, b) => [...p, ...responseIds[b]]), !!px);
  const pixelValues = px && pixelRows(px, B, groups.firstRow);
  const out = await model.groupedLogprobs(groups, { pixelValues, values: input.values });
  const W = out.logprobs.dims[1];
  const pick = (data: Float32Array) => responseIds.map((r, b) => Array.from(data.subarray(groups.rowOf[b] * W, groups.rowOf[b] * W + r.length)));
  return { logprobs: pick(out.logprobs.data), values: out.values ? pick(out.values.data) : undefined };
}
