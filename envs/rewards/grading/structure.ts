/**
 * The shape of an answer, read from its LaTeX before any value is compared: a set (`\{1, 2\}`,
 * `\emptyset`), a union of intervals or sets (`[1, 2] \cup (3, \infty)`), a bracketed tuple or
 * interval (`(1, 3]`: the two brackets are kept, so `(1, 3)` is not `[1, 3]`), a plain list
 * (`1, 2` or `x=1, y=2`) or a single value (possibly an equation). One bracket-depth scan per
 * level; lists are capped so that pairing elements stays small.
 */

export type Shape =
  | { kind: 'set'; items: string[] }
  | { kind: 'union'; parts: Shape[] }
  | { kind: 'bracketed'; open: string; close: string; items: string[] }
  | { kind: 'list'; items: string[] }
  | { kind: 'value'; text: string };

/** Most elements compared in one list or set (pairing them is quadratic). */
export const MAX_ITEMS = 64;

/** Set braces become these, so that they are told apart from TeX groups. */
const SET_OPEN = '\u2983';
const SET_CLOSE = '\u2984';
const OPENERS = `([{${SET_OPEN}`;
const CLOSERS = `)]}${SET_CLOSE}`;

/** Sizing commands and spacing that carry no meaning for the shape. */
function clean(text: string): string {
  return text
    .replace(/\\(?:left|right|bigl|bigr|Bigl|Bigr|big|Big)(?![a-zA-Z])\s*/g, '')
    .replace(/\\\{/g, SET_OPEN)
    .replace(/\\\}/g, SET_CLOSE)
    .replace(/\\(?:emptyset|varnothing)(?![a-zA-Z])/g, `${SET_OPEN}${SET_CLOSE}`)
    .replace(/\\lbrace(?![a-zA-Z])/g, SET_OPEN)
    .replace(/\\rbrace(?![a-zA-Z])/g, SET_CLOSE)
    .trim();
}

/** Splits on `sep` outside brackets (mismatched pairs such as `[1, 3)` count as a pair). */
export function splitOutside(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && text[i + 1] === '\\') {
      i++;
    } else if (OPENERS.includes(c)) depth++;
    else if (CLOSERS.includes(c)) depth--;
    else if (depth === 0 && text.startsWith(sep, i)) {
      parts.push(text.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

/** Whether the first character's bracket closes only at the last character. */
function enclosed(text: string): boolean {
  if (!OPENERS.includes(text[0]) || !CLOSERS.includes(text[text.length - 1])) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (OPENERS.includes(text[i])) depth++;
    else if (CLOSERS.includes(text[i]) && --depth === 0 && i < text.length - 1) return false;
  }
  return depth === 0;
}

function items(inner: string): string[] {
  return inner.trim() === '' ? [] : splitOutside(inner, ',');
}

/** The shape of a cleaned answer. */
export function readShape(raw: string): Shape {
  // "x \in [1, 3]" answers with the set itself.
  const text = clean(raw).replace(/^[a-zA-Z]\s*\\in(?![a-zA-Z])\s*/, '');
  const union = splitOutside(text, '\\cup');
  if (union.length > 1) return { kind: 'union', parts: union.map(readShape) };
  if (enclosed(text)) {
    const open = text[0];
    const close = text[text.length - 1];
    const inner = text.slice(1, -1);
    if (open === SET_OPEN && close === SET_CLOSE) return { kind: 'set', items: items(inner) };
    if (open === '{' && close === '}') {
      // A plain-text set "{1, 2}"; a TeX group around the whole answer ("{5}") is its content.
      const list = items(inner);
      return list.length >= 2 ? { kind: 'set', items: list } : readShape(inner);
    }
    if (open !== '{' && close !== '}' && open !== SET_OPEN && close !== SET_CLOSE) {
      const list = items(inner);
      // One bracketed value ("(B)", "(x+1)") is that value; intervals and tuples have two or more.
      if (list.length >= 2) return { kind: 'bracketed', open, close, items: list };
    }
  }
  const list = splitOutside(text, ',');
  if (list.length > 1) return { kind: 'list', items: list };
  return { kind: 'value', text };
}

/** Whether a shape holds more elements than are compared. */
export function tooLarge(s: Shape): boolean {
  if (s.kind === 'union') return s.parts.length > MAX_ITEMS || s.parts.some(tooLarge);
  return s.kind !== 'value' && s.items.length > MAX_ITEMS;
}
