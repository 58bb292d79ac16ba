// Scoring responses under the model: graph (a) over right-padded prompt + response rows, cut back
// to one array per response. What RL needs after sampling: log p of each response token given
// everything before it, and (PPO) the value of the state in which each token was chosen.
import type { TinyLMM } from './tinylmm.js';

export interface ScoreInput {
  promptIds: number[][];
  responseIds: number[][];
  /** (B, 3, H, W) for prompts with <image> tokens. */
  pixelValues?: Float32Array;
  /** Also return values from the value head. */
  values?: boolean;
}

export interface Scores {
  /** logprobs[b][i] = log p(response[b][i] | prompt[b], response[b][..i]). */
  logprobs: number[][];
  /** values[b][i]: the value head at the position that predicts response[b][i]. */
  values?: number[][];
}

export async function scoreResponses(model: TinyLMM, input: ScoreInput): Promise<Scores> {
  const { promptIds, responseIds } = input;
  if (promptIds.length !== responseIds.length) throw new Error(`${promptIds.length} prompts but ${responseIds.length} responses`);
  promptIds.forEach((p, b) => {
    if (p.length === 0) throw new Error(`prompt ${b} is empty: the first response token needs a context`);
  });
  const rows = promptIds.map((p, b) => [...p, ...responseIds[b]]);
  const out = await model.logprobs({ inputIds: rows, pixelValues: input.pixelValues, values: input.values });
  const seq = Math.max(...rows.map((r) => r.length));
  const lp = out.logprobs.data; // (B, seq - 1)
  const pick = (data: Float32Array, width: number) =>
    promptIds.map((p, b) => Array.from(data.subarray(b * width + p.length - 1, b * width + p.length - 1 + responseIds[b].length)));
  return { logprobs: pick(lp, seq - 1), values: out.values ? pick(out.values.data, seq) : undefined };
}
