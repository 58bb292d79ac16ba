import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLmmR1File, writeLmmR1File } from '../../../envs/puzzles/jsonl-file.js';
import {
  fromDollarAnswer,
  fromLmmR1Jsonl,
  LmmR1FormatError,
  makeDataset,
  PUZZLE_FAMILIES,
  recordQuestion,
  toDollarAnswer,
  toLmmR1Jsonl,
  verifyPuzzle,
} from '../../../envs/puzzles/index.js';

describe("LMM-R1's JSONL format", () => {
  const items = PUZZLE_FAMILIES.flatMap((f) => makeDataset(f, { size: 5, seed: 9 }));

  it('writes one {message, answer} object a line, message a serialised list, answer in $...$', () => {
    const text = toLmmR1Jsonl(items);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(items.length);
    const row = JSON.parse(lines[0]);
    expect(Object.keys(row).sort()).toEqual(['answer', 'message']);
    expect(typeof row.message).toBe('string');
    const messages = JSON.parse(row.message);
    expect(messages[1]).toEqual({ role: 'user', content: [{ type: 'text', text: items[0].prompt[1].content }] });
    expect(row.answer).toBe(`$${items[0].answer}$`);
  });

  it('round-trips: messages and gold answers come back unchanged', () => {
    for (const content of ['parts', 'string'] as const) {
      const back = fromLmmR1Jsonl(toLmmR1Jsonl(items, { content, meta: true }));
      expect(back).toHaveLength(items.length);
      back.forEach((r, i) => {
        expect(r.gold).toBe(items[i].answer);
        expect(recordQuestion(r)).toBe(items[i].prompt[1].content);
        expect(r.extra).toEqual({ id: items[i].id, family: items[i].family, difficulty: items[i].difficulty });
        expect(r.line).toBe(i + 1);
        // The gold read back still verifies against its item.
        expect(verifyPuzzle(items[i], `<answer>${r.gold}</answer>`)).toBe(true);
      });
    }
  });

  it('handles $ delimiters', () => {
    expect(toDollarAnswer('5')).toBe('$5$');
    expect(toDollarAnswer('$5$')).toBe('$5$');
    expect(fromDollarAnswer('$\\frac{1}{2}$')).toBe('\\frac{1}{2}');
    expect(fromDollarAnswer('$$7$$')).toBe('7');
    expect(fromDollarAnswer('plain')).toBe('plain');
  });

  const good = JSON.stringify({ message: JSON.stringify([{ role: 'user', content: 'hi' }]), answer: '$1$' });
  it.each([
    ['{not json', /line 2: not valid JSON/],
    ['[1, 2]', /line 2: expected a JSON object/],
    [JSON.stringify({ answer: '$1$' }), /line 2: missing "message"/],
    [JSON.stringify({ message: '[]', answer: '$1$' }), /line 2: "message" must hold a non-empty list/],
    [JSON.stringify({ message: 'oops', answer: '$1$' }), /line 2: "message" is not a JSON-serialised message list/],
    [JSON.stringify({ message: JSON.stringify([{ role: 'robot', content: 'x' }]), answer: '1' }), /line 2: message\[0\]\.role/],
    [JSON.stringify({ message: JSON.stringify([{ role: 'user', content: [{ type: 'video' }] }]), answer: '1' }), /line 2: message\[0\]\.content\[0\]/],
    [JSON.stringify({ message: JSON.stringify([{ role: 'user', content: 'x' }]), answer: 5 }), /line 2: missing "answer"/],
  ])('names the line of a malformed record: %s', (bad, error) => {
    const text = `${good}\n${bad}\n${good}\n`;
    expect(() => fromLmmR1Jsonl(text)).toThrow(error);
    expect(() => fromLmmR1Jsonl(text)).toThrow(LmmR1FormatError);
  });

  it('skips blank lines and keeps line numbers', () => {
    const recs = fromLmmR1Jsonl(`\n${good}\n\n${good}`);
    expect(recs.map((r) => r.line)).toEqual([2, 4]);
  });

  it('reads LMM-R1-style multimodal records (image parts)', () => {
    const message = JSON.stringify([{ role: 'user', content: [{ type: 'image', image: 'a.png' }, { type: 'text', text: 'What is 2+2?' }] }]);
    const [r] = fromLmmR1Jsonl(JSON.stringify({ message, answer: '$4$' }));
    expect(recordQuestion(r)).toBe('What is 2+2?');
    expect(r.gold).toBe('4');
  });

  it('reads and writes files, errors naming the file and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'puzzles-'));
    const path = join(dir, 'sub', 'data.jsonl');
    await writeLmmR1File(path, items);
    expect(readFileSync(path, 'utf8')).toBe(toLmmR1Jsonl(items));
    expect((await readLmmR1File(path)).map((r) => r.gold)).toEqual(items.map((x) => x.answer));
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, `${good}\n{oops\n`);
    await expect(readLmmR1File(bad)).rejects.toThrow(`${bad}: line 2: not valid JSON`);
  });
});
