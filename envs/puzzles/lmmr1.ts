/**
 * LMM-R1's JSONL data format, both ways: one JSON object a line,
 * `{"message": "<OpenAI-style message list, serialised as a JSON string>", "answer": "$...$"}`.
 * Text in, text out (pure): `jsonl-file.ts` adds file IO for Node.
 */
import type { ChatMessage, ContentPart, PuzzleItem } from './types.js';

/** One record read from LMM-R1 JSONL. */
export interface LmmR1Record {
  messages: ChatMessage[];
  /** The answer as written in the file, e.g. "$\\frac{1}{2}$". */
  answer: string;
  /** The answer without its surrounding `$...$`, as puzzles and rewards take gold answers. */
  gold: string;
  /** 1-based line number in the input. */
  line: number;
  /** Any other keys of the line's object, kept as they were. */
  extra: Record<string, unknown>;
}

export class LmmR1FormatError extends Error {
  constructor(
    readonly line: number,
    readonly detail: string,
    /** The file the line came from, when known. */
    readonly source?: string,
  ) {
    super(`${source ? `${source}: ` : ''}line ${line}: ${detail}`);
    this.name = 'LmmR1FormatError';
  }
}

export interface ToJsonlOptions {
  /**
   * `parts` (default) writes message content as `[{"type": "text", "text": ...}]`, as LMM-R1's
   * multimodal data does; `string` keeps plain strings.
   */
  content?: 'parts' | 'string';
  /** Also write `id`, `family` and `difficulty` keys (ignored by LMM-R1, handy for analysis). */
  meta?: boolean;
}

/** Wraps a gold answer in `$...$` unless it already is (LMM-R1 requires LaTeX-delimited answers). */
export function toDollarAnswer(answer: string): string {
  const a = answer.trim();
  return a.startsWith('$') && a.endsWith('$') && a.length >= 2 ? a : `$${a}$`;
}

/** Strips one pair of surrounding `$` or `$$`. */
export function fromDollarAnswer(answer: string): string {
  const a = answer.trim();
  for (const d of ['$$', '$']) {
    if (a.length >= 2 * d.length && a.startsWith(d) && a.endsWith(d)) return a.slice(d.length, -d.length).trim();
  }
  return a;
}

function asParts(content: ChatMessage['content']): ContentPart[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

/** Items as LMM-R1 JSONL text, one line each, with a final newline. */
export function toLmmR1Jsonl(items: readonly PuzzleItem[], options: ToJsonlOptions = {}): string {
  const lines = items.map((item) => {
    const messages = options.content === 'string' ? item.prompt : item.prompt.map((m) => ({ ...m, content: asParts(m.content) }));
    const row: Record<string, unknown> = { message: JSON.stringify(messages), answer: toDollarAnswer(item.answer) };
    if (options.meta) Object.assign(row, { id: item.id, family: item.family, difficulty: item.difficulty });
    return JSON.stringify(row);
  });
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

const ROLES = new Set(['system', 'user', 'assistant']);

function checkContent(content: unknown, line: number, where: string): ChatMessage['content'] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw new LmmR1FormatError(line, `${where}.content must be a string or a list of parts`);
  content.forEach((p: unknown, j) => {
    const part = p as Record<string, unknown> | null;
    const ok =
      part !== null &&
      typeof part === 'object' &&
      ((part.type === 'text' && typeof part.text === 'string') || (part.type === 'image' && typeof part.image === 'string'));
    if (!ok) throw new LmmR1FormatError(line, `${where}.content[${j}] must be {"type":"text","text":...} or {"type":"image","image":...}`);
  });
  return content as ContentPart[];
}

function parseMessages(text: string, line: number): ChatMessage[] {
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch (e) {
    throw new LmmR1FormatError(line, `"message" is not a JSON-serialised message list (${(e as Error).message})`);
  }
  if (!Array.isArray(list) || list.length === 0) throw new LmmR1FormatError(line, '"message" must hold a non-empty list of messages');
  return list.map((m: unknown, i) => {
    const msg = m as Record<string, unknown> | null;
    if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) throw new LmmR1FormatError(line, `message[${i}] must be an object`);
    if (typeof msg.role !== 'string' || !ROLES.has(msg.role)) {
      throw new LmmR1FormatError(line, `message[${i}].role must be "system", "user" or "assistant"`);
    }
    return { role: msg.role as ChatMessage['role'], content: checkContent(msg.content, line, `message[${i}]`) };
  });
}

/**
 * Reads LMM-R1 JSONL text. Blank lines are skipped; anything malformed throws an
 * `LmmR1FormatError` whose message starts with the 1-based line number.
 */
export function fromLmmR1Jsonl(text: string): LmmR1Record[] {
  const out: LmmR1Record[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let row: unknown;
    try {
      row = JSON.parse(raw);
    } catch (e) {
      throw new LmmR1FormatError(line, `not valid JSON (${(e as Error).message})`);
    }
    if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new LmmR1FormatError(line, 'expected a JSON object');
    const { message, answer, ...extra } = row as Record<string, unknown>;
    if (typeof message !== 'string') throw new LmmR1FormatError(line, 'missing "message" (a string holding the message list)');
    if (typeof answer !== 'string') throw new LmmR1FormatError(line, 'missing "answer" (a string)');
    out.push({ messages: parseMessages(message, line), answer, gold: fromDollarAnswer(answer), line, extra });
  });
  return out;
}

/** The text of the last user message of a record: the question. */
export function recordQuestion(record: LmmR1Record): string {
  const user = [...record.messages].reverse().find((m) => m.role === 'user');
  if (!user) return '';
  return typeof user.content === 'string'
    ? user.content
    : user.content.map((p) => (p.type === 'text' ? p.text : '')).join('');
}
