// The `pushes` trace: each run of pushes written as the box's cells before and after it. Replayed on
// the board, the runs are exactly the pushes the plan makes, in order; the trace's answer is the
// same optimal plan as the `positions` trace's; and both formats keep the same content key, so a
// level held out in one is held out in the other.
import { describe, expect, it } from 'vitest';
import { isSolved, moveSokoban } from '../../../envs/sokoban/index.js';
import { pushRuns, sokobanLevel, sokobanTrace } from '../../../training/tasks/sokoban.js';
import { task } from '../../../training/tasks/index.js';

describe('sokoban pushes format', () => {
  it('writes every push of the plan once, merged into runs of one box one way', () => {
    for (const size of ['6x6-1', '7x7-2'] as const) {
      for (let i = 0; i < 60; i++) {
        const { level, plan } = sokobanLevel(size, 3, i);
        const runs = pushRuns(level, plan).map((r) => r.split('>').map((c) => c.split(',').map(Number)));
        // Replay: each push moves the box at the current run's cursor one cell toward the run's end.
        let state = level;
        let k = 0;
        let cursor: number[] | undefined = runs[0]?.[0];
        for (const move of plan) {
          const r = moveSokoban(state, move);
          if (r.pushed) {
            const moved = r.state.boxes.find((b, j) => b[0] !== state.boxes[j][0] || b[1] !== state.boxes[j][1])!;
            const from = state.boxes[r.state.boxes.indexOf(moved)];
            if (!(cursor && from[0] === cursor[0] && from[1] === cursor[1])) cursor = runs[++k][0];
            expect(from).toEqual(cursor);
            cursor = moved;
            if (moved[0] === runs[k][1][0] && moved[1] === runs[k][1][1]) cursor = undefined;
          }
          state = r.state;
        }
        expect(k).toBe(runs.length - 1);
        expect(isSolved(state)).toBe(true);
      }
    }
  });

  it('keeps the answer and the key of the positions trace', () => {
    const a = task('sokoban-text-6x6-1');
    const b = task('sokoban-text-6x6-1-pushes');
    if (a.kind !== 'items' || b.kind !== 'items') throw new Error('item tasks expected');
    for (let i = 0; i < 20; i++) {
      const x = a.item(5, i);
      const y = b.item(5, i);
      expect(y.key).toBe(x.key);
      expect(y.trace.split('<answer>')[1]).toBe(x.trace.split('<answer>')[1]);
      expect(y.trace).toMatch(/^<think>@ \d,\d \$ [\d, ]+ \. [\d, ]+ push (\d,\d>\d,\d ?)+<\/think>/);
      expect(y.reward(y.trace).success).toBe(true);
    }
    const { level, plan } = sokobanLevel('6x6-1', 5, 0);
    expect(sokobanTrace(level, plan)).toBe(a.item(5, 0).trace);
  });

  it('-read frame items write the board as the text prompt shows it, then the same trace', () => {
    const plain = task('sokoban-image-7x7-2-pushes');
    const read = task('sokoban-image-7x7-2-read-pushes');
    const text = task('sokoban-text-7x7-2');
    if (plain.kind !== 'items' || read.kind !== 'items' || text.kind !== 'items') throw new Error('item tasks expected');
    for (let i = 0; i < 10; i++) {
      const board = (text.item(2, i).prompt as { content: string }[])[0].content.split('\n').filter((l) => /^[#_$.@*+]+$/.test(l)).join('\n');
      expect(read.item(2, i).trace).toBe(plain.item(2, i).trace.replace('<think>', () => `<think>${board}\n`));
      expect(read.item(2, i).key).toBe(plain.item(2, i).key);
    }
    expect(() => task('sokoban-text-6x6-1-read')).toThrow(/unknown task/);
  });
});
