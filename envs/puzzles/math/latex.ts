/**
 * LaTeX basics in answers: `\boxed{}` extraction and a normaliser that turns the common spellings
 * of a number or simple expression into plain text the expression parser reads. Every scan here is
 * linear in the input (brace matching is one stack pass), so 100 KB responses stay fast.
 */
import { trimEndChars } from '../text-trim.js';

/** For each `{`, the index of its matching `}` (or -1), from one stack pass over the text. */
function matchBraces(text: string): Int32Array {
  const match = new Int32Array(text.length).fill(-1);
  const stack: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 123 /* { */) stack.push(i);
    else if (c === 125 /* } */ && stack.length > 0) match[stack.pop() as number] = i;
  }
  return match;
}

/** The content of the last well-formed `\boxed{...}` (or `\fbox{...}`), or null. */
export function extractLastBoxed(text: string): string | null {
  if (!text.includes('\\boxed') && !text.includes('\\fbox')) return null;
  const match = matchBraces(text);
  let best: { start: number; content: string } | null = null;
  for (const cmd of ['\\boxed', '\\fbox']) {
    for (let at = text.indexOf(cmd); at >= 0; at = text.indexOf(cmd, at + 1)) {
      let open = at + cmd.length;
      while (text[open] === ' ') open++;
      if (text[open] !== '{' || match[open] < 0) continue;
      if (best === null || at > best.start) best = { start: at, content: text.slice(open + 1, match[open]) };
    }
  }
  return best?.content ?? null;
}

/** Commands whose brace argument is kept as plain text. */
const TEXT_COMMANDS = ['\\text', '\\textbf', '\\textit', '\\textrm', '\\mathrm', '\\mathbf', '\\mbox', '\\operatorname'];

/**
 * Reads one argument of a command at `i`: a brace group (returned without braces) or a single
 * character, as TeX does for `\frac12`. Returns null when there is none.
 */
function readArg(text: string, i: number, match: Int32Array): { arg: string; end: number } | null {
  while (text[i] === ' ') i++;
  if (i >= text.length) return null;
  if (text[i] === '{') {
    const close = match[i];
    return close < 0 ? null : { arg: text.slice(i + 1, close), end: close + 1 };
  }
  if (text[i] === '\\' || text[i] === '}') return null;
  return { arg: text[i], end: i + 1 };
}

/**
 * Rewrites `\frac{a}{b}` as `(a)/(b)` and text commands as their content, in one left-to-right
 * pass; arguments are rewritten recursively, so nested fractions come out in the same pass.
 */
function rewriteCommands(text: string, depth = 0): string {
  if (!text.includes('\\') || depth > 50) return text;
  const match = matchBraces(text);
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '\\') {
      out += text[i++];
      continue;
    }
    const name = /^\\[a-zA-Z]+/.exec(text.slice(i, i + 20))?.[0] ?? '';
    if (name === '\\frac' || name === '\\dfrac' || name === '\\tfrac') {
      const a = readArg(text, i + name.length, match);
      const b = a && readArg(text, a.end, match);
      if (a && b) {
        out += `(${rewriteCommands(a.arg, depth + 1)})/(${rewriteCommands(b.arg, depth + 1)})`;
        i = b.end;
        continue;
      }
    } else if (TEXT_COMMANDS.includes(name)) {
      const a = readArg(text, i + name.length, match);
      if (a && text.slice(i + name.length).trimStart().startsWith('{')) {
        out += rewriteCommands(a.arg, depth + 1);
        i = a.end;
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

function simplePass(text: string): string {
  return (
    text
      .replace(/\\left(?![a-zA-Z])|\\right(?![a-zA-Z])/g, '')
      .replace(/\\\{/g, '{')
      .replace(/\\\}/g, '}')
      .replace(/\\(?:cdot|times)(?![a-zA-Z])/g, '*')
      .replace(/\\div(?![a-zA-Z])/g, '/')
      // Spacing commands and math-mode delimiters carry no value.
      .replace(/\\[,;:! ]/g, '')
      .replace(/\\[()[\]]/g, '')
      .replace(/\$/g, '')
      .replace(/~/g, '')
      // Percent and degree signs: "50\%" and "30^\circ" compare as the bare number.
      .replace(/\\?%/g, '')
      .replace(/\^\{?\\circ\}?|°/g, '')
      .replace(/\s+/g, '')
  );
}

/** "1,000,000" is one number; other commas separate list items and stay. */
const THOUSANDS = /^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;

function onePass(text: string): string {
  let s = simplePass(rewriteCommands(text));
  // Trailing sentence punctuation ("The answer is 5.") is not part of the answer.
  s = trimEndChars(s, '.');
  if (THOUSANDS.test(s)) s = s.replace(/,/g, '');
  return s;
}

/**
 * The normal form of an answer: LaTeX basics (`$`, `\frac`/`\dfrac`/`\tfrac`, `\left`/`\right`,
 * `\text{}`, `\cdot`, spacing) rewritten, whitespace removed, a trailing period dropped. Applied
 * until nothing changes (a few passes at most), so it is idempotent. Case is kept: comparisons
 * decide whether it matters.
 */
export function normaliseAnswer(text: string): string {
  let s = text;
  for (let i = 0; i < 8; i++) {
    const next = onePass(s);
    if (next === s) return s;
    s = next;
  }
  return s;
}
