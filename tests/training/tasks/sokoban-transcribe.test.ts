// The transcription view: a frame written back as the text prompt's board. The trace's own answer
// scores 1, one wrong cell scores 0, items are pure functions of (seed, index), and a level keeps
// one content key across views, so a held-out level is held out from transcription too.
import { describe, expect, it } from 'vitest';
import { sokobanTextPrompt } from '../../../agent/agents/index.js';
import type { ChatMessage } from '../../../agent/model/index.js';
import { itemTaskNamed } from '../../../training/tasks/index.js';
import { sokobanLevel } from '../../../training/tasks/sokoban.js';

const SIZES = ['6x6-1', '7x7-1', '7x7-2'] as const;
const items = (name: string) => itemTaskNamed(name, 'this test');
const answerOf = (trace: string) => /<answer>([\s\S]*)<\/answer>/.exec(trace)?.[1] ?? '';
const textOf = (prompt: ChatMessage[]): string =>
  prompt
    .map((m) => (typeof m.content === 'string' ? m.content : m.content.map((p) => (p.type === 'text' ? p.text : '<image>')).join('')))
    .join('\n');

describe('sokoban-transcribe', () => {
  for (const size of SIZES) {
    it(`${size}: the trace scores 1, the board is the text prompt's grid, one changed cell scores 0`, () => {
      const t = items(`sokoban-transcribe-${size}`);
      expect(t.vision).toBe(true);
      for (let i = 0; i < 8; i++) {
        const it_ = t.item(3, i);
        expect(it_.reward(it_.trace)).toMatchObject({ task: 1, success: true });
        const board = answerOf(it_.trace);
        const [rows, cols] = size.split('-')[0].split('x').map(Number);
        expect(board.split('\n').map((r) => r.length)).toEqual(new Array(rows).fill(cols));
        // Exactly the rows the text view of the same level shows.
        expect(textOf(sokobanTextPrompt(sokobanLevel(size, 3, i).level))).toContain(`\n${board}\n\n`);
        // Spaces at line ends and around the board do not count.
        const padded = `<think>x</think><answer>\n${board.split('\n').join('  \n')}\n</answer>`;
        expect(it_.reward(padded).success).toBe(true);
        // One cell changed: a floor becomes a wall, anything else becomes floor.
        const at = board.search(/[_@$.*+]/);
        const changed = board.slice(0, at) + (board[at] === '_' ? '#' : '_') + board.slice(at + 1);
        expect(changed).not.toBe(board);
        expect(it_.reward(it_.trace.replace(board, changed))).toMatchObject({ task: 0, success: false });
        expect(it_.reward('<think>read the frame</think>').success).toBe(false);
      }
    });
  }

  it('is deterministic and shares the content key of the text view of the same level', () => {
    const a = items('sokoban-transcribe-6x6-1');
    const b = items('sokoban-transcribe-6x6-1');
    const text = items('sokoban-text-6x6-1');
    const image = items('sokoban-image-6x6-1');
    for (let i = 0; i < 6; i++) {
      const x = a.item(11, i);
      const y = b.item(11, i);
      expect(textOf(x.prompt)).toBe(textOf(y.prompt));
      expect(textOf(x.prompt)).toContain('6x6 board');
      expect(x.trace).toBe(y.trace);
      expect(x.key).toBe(text.item(11, i).key);
      expect(x.key).toBe(image.item(11, i).key);
    }
    // Different levels, different keys (the key is not constant).
    expect(new Set(Array.from({ length: 6 }, (_, i) => a.item(11, i).key)).size).toBeGreaterThan(1);
  });

  it('is in the registry for every size, and unknown names still fail', () => {
    for (const size of SIZES) expect(items(`sokoban-transcribe-${size}`).name).toBe(`sokoban-transcribe-${size}`);
    expect(() => items('sokoban-transcribe-9x9-1')).toThrow(/transcribe/);
  });
});
