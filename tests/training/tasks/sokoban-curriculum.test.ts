// The reverse curriculum's stages: each starts right after the push before the last k of the source
// level's optimal plan, the rest of that plan solves it with k pushes and is optimal (the solver finds
// no shorter one), the items are the source's stream, and they carry the source level's key, so that
// the evaluation's held-out levels are held out from every stage and the other way round.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulateSokoban, solveSokoban, type SokobanLevel } from '../../../envs/sokoban/index.js';
import { EVAL_SEED, heldOutKeys } from '../../../training/eval/evaluate.js';
import { itemTaskNamed, task, trainingItem } from '../../../training/tasks/index.js';
import { pushMoves, sokobanTail } from '../../../training/tasks/sokoban-curriculum.js';
import { sokobanLevel, sokobanTrace } from '../../../training/tasks/sokoban.js';

const items = (name: string) => itemTaskNamed(name, 'this test');
const MOVES = ['Noop', 'Up', 'Down', 'Left', 'Right'];
const answerMoves = (trace: string) => /<answer>(.*)<\/answer>/.exec(trace)![1].split(', ').map((m) => MOVES.indexOf(m));
const inReadingOrder = (l: SokobanLevel) => l.boxes.every((b, i) => i === 0 || l.boxes[i - 1][0] < b[0] || (l.boxes[i - 1][0] === b[0] && l.boxes[i - 1][1] < b[1]));
const sorted = (l: SokobanLevel) => l.boxes.map(([r, c]) => `${r},${c}`).sort();

describe('sokoban reverse curriculum', () => {
  it('starts right after the push before the last k, and the rest of the plan solves it with k pushes', () => {
    for (let i = 0; i < 50; i++) {
      const source = sokobanLevel('7x7-2', 3, i);
      const at = pushMoves(source.level, source.plan);
      let previous = 0;
      for (let k = 1; k <= 8; k++) {
        const tail = sokobanTail(source, k);
        const item = items(`sokoban-text-7x7-2-last${k}`).item(3, i);
        expect(tail.plan).toEqual(source.plan.slice(tail.from));
        expect(tail.pushes).toBe(Math.min(k, at.length));
        expect(pushMoves(tail.level, answerMoves(item.trace))).toHaveLength(Math.min(k, at.length));
        if (k < at.length) expect(tail.from).toBe(at[at.length - k - 1] + 1);
        else expect(tail).toMatchObject({ from: 0, level: source.level, plan: source.plan });
        // The start is the source played up to there, boxes listed row by row as on a generated level.
        expect(sorted(tail.level)).toEqual(sorted(simulateSokoban(source.level, source.plan.slice(0, tail.from)).state));
        expect(inReadingOrder(tail.level)).toBe(true);
        const sim = simulateSokoban(tail.level, tail.plan);
        expect(sim.solved && sim.steps === tail.plan.length).toBe(true);
        expect(sim.finalReturn).toBeCloseTo(tail.optimalReturn, 9);
        expect(item.trace).toBe(sokobanTrace(tail.level, tail.plan));
        // The trace is the optimal answer of its start: MageBench's full score.
        expect(item.reward(item.trace)).toMatchObject({ success: true, score: 100 });
        expect(tail.plan.length).toBeGreaterThanOrEqual(previous);
        previous = tail.plan.length;
      }
      if (at.length <= 8) expect(previous).toBe(source.plan.length);
    }
  });

  it('leaves an optimal tail: the solver finds none shorter from the start', () => {
    for (let k = 1; k <= 8; k++) {
      for (let i = 0; i < 25; i++) {
        const tail = sokobanTail(sokobanLevel('7x7-2', 7, i), k);
        const solved = solveSokoban(tail.level);
        if (!solved.solved) throw new Error(`no plan for tail ${k} of item ${i}: ${solved.reason}`);
        expect(solved.length).toBe(tail.plan.length);
        expect(simulateSokoban(tail.level, solved.plan).finalReturn).toBeCloseTo(tail.optimalReturn, 9);
      }
    }
  });

  it('is a pure function of seed and index, whatever the task object', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.nat(100_000), fc.integer({ min: 1, max: 8 }), (seed, index, k) => {
        const a = items(`sokoban-text-7x7-2-last${k}`).item(seed, index);
        const b = items(`sokoban-text-7x7-2-last${k}`).item(seed, index);
        expect({ ...b, reward: null }).toEqual({ ...a, reward: null });
        const frame = items(`sokoban-image-7x7-2-last${k}-read`).item(seed, index);
        expect(frame.key).toBe(a.key);
        expect(frame.trace.endsWith(a.trace.replace(/^<think>/, '\n'))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('keys every stage as its source level, so held-out levels are held out both ways', () => {
    const whole = items('sokoban-text-7x7-2');
    for (let i = 0; i < 20; i++) {
      const key = whole.item(EVAL_SEED, i).key;
      for (let k = 1; k <= 8; k++) {
        for (const name of [`sokoban-text-7x7-2-last${k}`, `sokoban-image-7x7-2-last${k}`, `sokoban-image-7x7-2-last${k}-read-pushes`]) {
          expect(items(name).item(EVAL_SEED, i).key).toBe(key);
        }
      }
    }
    // Whole levels held out by the evaluation are never a stage's training item, and the evaluation
    // of a stage holds its source levels out of whole-level training.
    const wholeHeld = heldOutKeys([{ task: 'sokoban-text-7x7-2', count: 20 }]);
    const stageHeld = heldOutKeys([{ task: 'sokoban-image-7x7-2-last2-read', count: 20 }]);
    expect(stageHeld).toEqual(wholeHeld);
    const stage = items('sokoban-text-7x7-2-last2');
    for (let i = 0; i < 20; i++) {
      expect(wholeHeld.has(stage.item(EVAL_SEED, i).key)).toBe(true);
      expect(wholeHeld.has(trainingItem(stage.item, EVAL_SEED, i, wholeHeld).key)).toBe(false);
      expect(stageHeld.has(trainingItem(whole.item, EVAL_SEED, i, stageHeld).key)).toBe(false);
    }
  });

  it('names stages for every size, frames alone reading the board first', () => {
    expect(task('sokoban-text-7x7-2-last1').name).toBe('sokoban-text-7x7-2-last1');
    expect(task('sokoban-image-7x7-2-last8-read').name).toBe('sokoban-image-7x7-2-last8-read');
    expect(task('sokoban-image-6x6-1-last2-read-pushes')).toMatchObject({ kind: 'items', vision: true, name: 'sokoban-image-6x6-1-last2-read-pushes' });
    expect(task('sokoban-text-7x7-1-last1-pushes').vision).toBe(false);
    for (const bad of ['sokoban-text-7x7-2-last0', 'sokoban-text-7x7-2-last9', 'sokoban-text-7x7-2-last03', 'sokoban-text-7x7-2-last3-read', 'sokoban-locate-7x7-2-last1', 'sokoban-text-8x8-2-last1']) {
      expect(() => task(bad)).toThrow(/unknown task.*-last\{1\.\.8\}/);
    }
  });
});
