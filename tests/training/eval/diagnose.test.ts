// The Sokoban diagnosis: what counts as reading the board, the split of pass@1 by it, and a real
// checkpoint's answers when the true positions are written for it.
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, Tokenizer } from '../../../agent/model/index.js';
import { WARM_START } from '../../../training/config.js';
import { diagnose, diagnoseSokoban, diagnosisTable, readFirstTwin, readsBoard, truePositions } from '../../../training/eval/diagnose.js';
import { DEFAULT_EVAL, DEFAULT_EVAL_OPTIONS, evalItems, evaluate } from '../../../training/eval/evaluate.js';

const items = evalItems({ task: 'sokoban-text-6x6-1', count: 6 });
const answer = (think: string, trace: string) => trace.replace(/<think>[\s\S]*<\/think>/, `<think>${think}</think>`);

describe('Sokoban diagnosis', () => {
  it('the solver trace reads its board and solves it; a misread with the same plan still solves', () => {
    for (const it of items) {
      expect(truePositions(it)).toMatch(/^@ \d+,\d+ \$ \d+,\d+ \. \d+,\d+$/);
      expect(readsBoard(it, it.trace)).toBe(true);
      expect(it.reward(it.trace).success).toBe(true);
      const misread = answer(truePositions(it).replace(/^@ (\d+),/, (_, r: string) => `@ ${Number(r) + 1},`), it.trace);
      expect(readsBoard(it, misread)).toBe(false);
      expect(it.reward(misread).success).toBe(true); // the score plays the plan, not the reading
      expect(readsBoard(it, 'Up, Left')).toBe(false); // out of format reads nothing
    }
  });

  it('a frame is read right by its positions alone, or by the board written out first and then them', () => {
    expect(readFirstTwin('sokoban-image-6x6-1')).toBe('sokoban-image-6x6-1-read');
    expect(readFirstTwin('sokoban-image-7x7-2-pushes')).toBe('sokoban-image-7x7-2-read-pushes');
    expect(readFirstTwin('sokoban-image-6x6-1-read')).toBeNull();
    expect(readFirstTwin('sokoban-text-6x6-1')).toBeNull();
    const frames = evalItems({ task: 'sokoban-image-6x6-1', count: 4 });
    const twins = evalItems({ task: 'sokoban-image-6x6-1-read', count: 4 });
    frames.forEach((it, i) => {
      expect(readsBoard(it, it.trace, twins[i])).toBe(true);
      expect(readsBoard(it, twins[i].trace, twins[i])).toBe(true);
      expect(readsBoard(it, twins[i].trace)).toBe(false); // without the twin, only the positions count
      const wrongCell = twins[i].trace.replace('#_', '##'); // one floor cell read as a wall
      expect(wrongCell).not.toBe(twins[i].trace);
      expect(readsBoard(it, wrongCell, twins[i])).toBe(false);
    });
  });

  it('splits pass@1 by whether the board was read right', () => {
    // Boards 0-1 read right and solved, 2 read right and unsolved, 3-4 misread and solved, 5 neither.
    const misread = (i: number) => answer('@ 0,0 $ 0,0 . 0,0', items[i].trace);
    const greedy = [items[0].trace, items[1].trace, answer(truePositions(items[2]), '<think></think><answer>Noop</answer>'), misread(3), misread(4), 'no answer'];
    const d = diagnose('sokoban-text-6x6-1', items, greedy, items.map((it) => it.trace));
    expect(d.success.mean).toBeCloseTo(4 / 6, 12);
    expect(d.readOk.mean).toBeCloseTo(3 / 6, 12);
    expect(d.successIfRead).toMatchObject({ n: 3 });
    expect(d.successIfRead!.rate.mean).toBeCloseTo(2 / 3, 12);
    expect(d.successIfMisread).toMatchObject({ n: 3 });
    expect(d.successIfMisread!.rate.mean).toBeCloseTo(2 / 3, 12);
    expect(d.successGivenPositions.mean).toBe(1);
    expect(() => diagnose('sokoban-text-6x6-1', items, greedy.slice(1), greedy)).toThrow(/6 items but 5 and 6 answers/);
    expect(diagnosisTable([{ checkpoint: 'x', d }])).toContain('| x | sokoban-text-6x6-1 | 66.7 [');
  });

  describe('on the committed warm start', () => {
    const model = loadModel(WARM_START, { threads: 2 });
    afterAll(() => model.dispose());

    it('splits its greedy pass@1 consistently, from text and from frames', async () => {
      for (const task of ['sokoban-text-6x6-1', 'sokoban-image-6x6-1']) {
        const d = await diagnoseSokoban(model, { task, count: 8 }, { batchSize: 8, maxNewTokens: 96 });
        expect(d.items).toBe(8);
        const solved = (d.successIfRead ? d.successIfRead.n * d.successIfRead.rate.mean : 0) + (d.successIfMisread ? d.successIfMisread.n * d.successIfMisread.rate.mean : 0);
        expect(solved).toBeCloseTo(8 * d.success.mean, 9);
        expect((d.successIfRead?.n ?? 0) + (d.successIfMisread?.n ?? 0)).toBe(8);
        expect((d.successIfRead?.n ?? 0) / 8).toBeCloseTo(d.readOk.mean, 12);
      }
    }, 60_000);

    it("a task's own answer budget holds in the evaluation: 4 tokens leave no answer in format, the default does", async () => {
      const [cut] = await evaluate(model, [{ task: 'sokoban-text-6x6-1', count: 4, maxNewTokens: 4 }], { samples: 0 });
      const [full] = await evaluate(model, [{ task: 'sokoban-text-6x6-1', count: 4 }], { samples: 0 });
      expect(cut.formatOk).toBe(0);
      expect(full.formatOk).toBeGreaterThan(0);
    }, 60_000);

    it("every Sokoban task of the suite gets a budget that holds every held-out optimal answer", () => {
      const tok = new Tokenizer();
      for (const t of DEFAULT_EVAL.filter((x) => x.task.startsWith('sokoban-'))) {
        const longest = Math.max(...evalItems(t).map((it) => tok.encode(it.trace).length));
        expect(longest, t.task).toBeLessThanOrEqual(t.maxNewTokens ?? DEFAULT_EVAL_OPTIONS.maxNewTokens);
      }
    });

    it('refuses a task that is not a Sokoban plan', async () => {
      await expect(diagnoseSokoban(model, { task: 'countdown-d1', count: 2 }, { batchSize: 2, maxNewTokens: 8 })).rejects.toThrow(/countdown-d1: the diagnosis reads Sokoban plans/);
    });
  });
});
