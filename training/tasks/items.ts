// Item tasks: a stream of prompt items made into a task. A step's rollout samples each of its prompts
// n times in one batched generation (a group shares its item, so its level or numbers); the reward
// of a sample is its item's own rule-based reward. Training items skip every held-out item by
// content (`contentKey`: two items with the same level or numbers share a key whatever their seeds),
// so the evaluation never grades what training saw, even where small boards repeat across seeds.
import { createHash } from 'node:crypto';
import { generate, type TinyLMM } from '../../agent/model/index.js';
import { ANSWER_STOP, type ItemTask, type PromptItem, type Rollout, type RolloutRequest, type Sample } from './types.js';

/** The task of a stream of items (`item(seed, index)`, a pure function). */
export function itemTask(name: string, vision: boolean, item: (seed: number, index: number) => PromptItem): ItemTask {
  return {
    kind: 'items',
    name,
    vision,
    item,
    rollout: (model, req) => sampleItems(model, req, (slot) => trainingItem(item, req.seed, slot, req.heldOut)),
    reward: (sample) => sample.item.reward(sample.text),
  };
}

/** `req.groups` items (training slots groups x slot ...), each sampled `req.n` times. */
async function sampleItems(model: TinyLMM, req: RolloutRequest, itemAt: (slot: number) => PromptItem): Promise<Rollout> {
  // An item the request's filter skips gives its place to the next slot (the filter bounds its skips).
  const items: PromptItem[] = [];
  for (let slot = req.slot * req.groups; items.length < req.groups; slot++) {
    const it = itemAt(slot);
    if (!req.skip?.(it)) items.push(it);
  }
  const n = req.n;
  const t0 = performance.now();
  const prepared = model.prepare(items.flatMap((it) => Array.from({ length: n }, () => it.prompt)));
  const gens = await generate(model, {
    inputIds: prepared.inputIds,
    pixelValues: prepared.pixelValues,
    temperature: req.sampling.temperature,
    topP: req.sampling.topP,
    maxNewTokens: req.sampling.maxNewTokens,
    stopStrings: ANSWER_STOP,
    seed: `${req.seed}/${req.stage}/${req.slot}`,
  });
  const perRow = prepared.pixelValues ? prepared.pixelValues.length / prepared.inputIds.length : 0;
  // One array per item, shared by its n samples (see Sample.pixels).
  const pixels = items.map((_, j) => (prepared.pixelValues ? prepared.pixelValues.subarray(j * n * perRow, (j * n + 1) * perRow) : null));
  const samples = gens.map((g, i): Sample => {
    const group = Math.floor(i / n);
    return {
      group,
      item: items[group],
      promptIds: prepared.inputIds[i],
      pixels: pixels[group],
      response: g.tokens,
      text: g.text,
      logprobs: g.logprobs,
      truncated: g.finishReason === 'length',
    };
  });
  return { samples, timing: { samplingMs: performance.now() - t0, envMs: 0, tokens: gens.reduce((a, g) => a + g.tokens.length, 0) } };
}

/** The training item of a slot, skipping held-out items: slot `s` always gives the same item. */
export function trainingItem<T extends { key: string }>(make: (seed: number, index: number) => T, seed: number, slot: number, heldOut: ReadonlySet<string>): T {
  for (let attempt = 0; attempt < 64; attempt++) {
    // A held-out level is replaced by the same slot of another stream: still a pure function of the slot.
    const it = make(seed + attempt * 1_000_003, slot);
    if (!heldOut.has(it.key)) return it;
  }
  throw new Error(`64 draws in a row for training slot ${slot} were held-out items: the task has too few distinct items for its held-out set`);
}

/** The key of an item's content: what held-out sets are disjoint by. */
export function contentKey(task: string, content: string): string {
  return `${task}:${createHash('sha256').update(content).digest('hex').slice(0, 16)}`;
}
