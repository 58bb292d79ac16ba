// Rollouts for single-turn tasks: each prompt sampled n times in one batched generation (a group
// shares its item, so its level or numbers), then scored by the item's rule-based reward. Sampling
// runs on weights that no optimizer step can change under it: the loop never overlaps a rollout
// with an update, and the sessions a generation leases hold one weight version throughout.
import type { RGBAImage, TinyLMM } from '../../agent/index.js';
import type { PromptItem, Scored } from '../tasks/types.js';

export interface SamplingConfig {
  temperature: number;
  topP: number;
  maxNewTokens: number;
}

export interface Sample {
  /** Index of the group (prompt) in the rollout; samples of a group are contiguous. */
  group: number;
  item: PromptItem;
  promptIds: number[];
  image: RGBAImage | null;
  /** The sampled tokens, the stop token or string included. */
  response: number[];
  text: string;
  /** log p of each response token under the sampling policy (temperature 1). */
  logprobs: number[];
  scored: Scored;
  truncated: boolean;
}

export interface RolloutTiming {
  samplingMs: number;
  rewardMs: number;
  tokens: number;
}

/** The stop strings every answer ends with. */
export const ANSWER_STOP = ['</answer>'];

export async function rolloutGroups(
  model: TinyLMM,
  items: readonly PromptItem[],
  n: number,
  sampling: SamplingConfig,
  seed: string,
): Promise<{ samples: Sample[]; timing: RolloutTiming }> {
  const prompts = items.flatMap((it) => Array.from({ length: n }, () => it.prompt));
  const t0 = performance.now();
  const prepared = model.prepare(prompts);
  const gens = await model.generate({
    inputIds: prepared.inputIds,
    pixelValues: prepared.pixelValues,
    temperature: sampling.temperature,
    topP: sampling.topP,
    maxNewTokens: sampling.maxNewTokens,
    stopStrings: ANSWER_STOP,
    seed,
  });
  const t1 = performance.now();
  const samples = gens.map((g, i): Sample => {
    const item = items[Math.floor(i / n)];
    const image = imageOf(item);
    return {
      group: Math.floor(i / n),
      item,
      promptIds: prepared.inputIds[i],
      image,
      response: g.tokens,
      text: g.text,
      logprobs: g.logprobs,
      scored: item.score(g.text),
      truncated: g.finishReason === 'length',
    };
  });
  const t2 = performance.now();
  return { samples, timing: { samplingMs: t1 - t0, rewardMs: t2 - t1, tokens: gens.reduce((a, g) => a + g.tokens.length, 0) } };
}

/** The frame of an item's prompt, if it has one. */
export function imageOf(item: PromptItem): RGBAImage | null {
  for (const m of item.prompt) {
    if (typeof m.content === 'string') continue;
    for (const p of m.content) if (p.type === 'image') return p.image;
  }
  return null;
}
