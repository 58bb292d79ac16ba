// Learning: the tiny preset memorises a small fixed multimodal set (8 images, each with its own
// answer that only the image tells apart): loss down by >= 90% in a few hundred steps, and greedy
// answers read the image.
import { describe, expect, it } from 'vitest';
import { generate, createModel, type ChatMessage, type RGBAImage } from '../../../agent/model/index.js';
import { SftTrainer } from '../../../training/stages/sft-trainer.js';

const COLOURS: Array<[string, [number, number, number]]> = [
  ['red', [220, 40, 40]],
  ['green', [40, 200, 60]],
  ['blue', [50, 70, 230]],
  ['yellow', [230, 220, 40]],
];

/** A 56x56 frame with one coloured 24x24 square on the left or right half. */
function frame(rgb: [number, number, number], right: boolean): RGBAImage {
  const data = new Uint8Array(56 * 56 * 4);
  for (let y = 0; y < 56; y++) {
    for (let x = 0; x < 56; x++) {
      const inside = y >= 16 && y < 40 && (right ? x >= 30 && x < 54 : x >= 2 && x < 26);
      const p = (y * 56 + x) * 4;
      const c = inside ? rgb : [20, 20, 20];
      data.set([c[0], c[1], c[2], 255], p);
    }
  }
  return { width: 56, height: 56, data };
}

const examples = COLOURS.flatMap(([name, rgb]) =>
  [false, true].map((right) => ({ image: frame(rgb, right), answer: `<answer>${name} ${right ? 'right' : 'left'}</answer>` })),
);

describe('TinyLMM learns', () => {
  it('overfits a fixed multimodal set: loss down >= 90%, answers follow the image', async () => {
    const model = createModel('tiny', { seed: 0 });
    const prompt = (img: RGBAImage): ChatMessage[] => [{ role: 'user', content: [{ type: 'image', image: img }, { type: 'text', text: 'What is where?' }] }];
    const prep = model.prepare(examples.map((e) => prompt(e.image)));
    const inputIds: number[][] = [];
    const lossMask: number[][] = [];
    examples.forEach((e, i) => {
      const response = model.tokenizer.encode(`${e.answer}<|im_end|>`);
      inputIds.push([...prep.inputIds[i], ...response]);
      lossMask.push([...prep.inputIds[i].map(() => 0), ...response.map(() => 1)]);
    });
    const trainer = new SftTrainer(model, { schedule: { lr: 3e-3, warmup: 10 }, weightDecay: 0 });
    const batch = { inputIds, lossMask, pixelValues: prep.pixelValues };
    const first = (await trainer.step(batch)).loss;
    let last = first;
    const t0 = performance.now();
    let steps = 1;
    for (; steps < 300 && last > first * 0.002; steps++) last = (await trainer.step(batch)).loss;
    console.log(`overfit: loss ${first.toFixed(3)} -> ${last.toFixed(4)} in ${steps} steps, ${((performance.now() - t0) / steps).toFixed(0)} ms/step`);
    expect(last).toBeLessThan(first * 0.1);
    const gens = await generate(model, { ...prep, greedy: true, maxNewTokens: 24 });
    const right = gens.filter((g, i) => g.text === examples[i].answer).length;
    console.log(`greedy answers right: ${right}/8`, gens.map((g) => g.text));
    expect(right).toBeGreaterThanOrEqual(7);
    await model.dispose();
  }, 60_000);
});
