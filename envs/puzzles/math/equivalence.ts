/**
 * Whether a model's answer equals a gold answer: by exact value when both read as arithmetic
 * (integers, decimals, fractions, simple expressions), element by element for tuples and
 * `x=..., y=...` assignments, and otherwise by normalised text (choice letters, words).
 */
import { evaluateText } from './expr.js';
import { normaliseAnswer } from './latex.js';
import { eq } from './rational.js';
import { trimEndChars } from '../text-trim.js';

/** Splits on commas outside brackets; "(1,2),3" -> ["(1,2)", "3"]. */
export function splitTopLevel(text: string, sep = ','): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === sep && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Drops one pair of brackets that encloses the whole text: "(1,2)" -> "1,2", "(1)+(2)" unchanged. */
export function stripOuterBrackets(text: string): string {
  const open = text[0];
  const close = open === '(' ? ')' : open === '[' ? ']' : open === '{' ? '}' : '';
  if (close === '' || text[text.length - 1] !== close) return text;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === open) depth++;
    else if (text[i] === close && --depth === 0 && i < text.length - 1) return text;
  }
  return text.slice(1, -1);
}

/** "x=5" -> ["x", "5"]; anything else -> null. */
function assignment(text: string): [string, string] | null {
  const m = /^([a-zA-Z][a-zA-Z0-9_]*)=(.+)$/.exec(text);
  return m ? [m[1], m[2]] : null;
}

/** Choice and word answers: "(B)", "B.", "b" all read "b". */
function textKey(text: string): string {
  return trimEndChars(stripOuterBrackets(text), ').:').toLowerCase();
}

/** Equality of two single (non-list) normalised answers. */
function scalarEqual(a: string, g: string): boolean {
  if (a === '' || g === '') return false;
  if (a.toLowerCase() === g.toLowerCase()) return true;
  const va = evaluateText(a);
  if (va !== null) {
    const vg = evaluateText(g);
    if (vg !== null) return eq(va, vg);
  }
  return textKey(a) === textKey(g);
}

function listEqual(a: string[], g: string[]): boolean {
  if (a.length !== g.length) return false;
  const aa = a.map(assignment);
  const ga = g.map(assignment);
  if (aa.every((x) => x !== null) && ga.every((x) => x !== null)) {
    // Named values compare by name, in any order: "y=2,x=1" equals "x=1,y=2".
    const gold = new Map(ga.map((x) => x as [string, string]));
    if (gold.size !== ga.length) return false;
    return aa.every((x) => {
      const [name, value] = x as [string, string];
      const gv = gold.get(name);
      return gv !== undefined && scalarEqual(value, gv);
    }) && new Set(aa.map((x) => (x as [string, string])[0])).size === aa.length;
  }
  // Otherwise by position, an assignment's value standing for itself.
  return a.every((x, i) => scalarEqual(aa[i]?.[1] ?? x, ga[i]?.[1] ?? g[i]));
}

/** Whether `answer` (a model's final answer text) matches `gold`; both may hold LaTeX. */
export function answersEquivalent(answer: string, gold: string): boolean {
  const a = normaliseAnswer(answer);
  const g = normaliseAnswer(gold);
  if (a === '' || g === '') return false;
  if (a === g) return true;
  const al = splitTopLevel(stripOuterBrackets(a));
  const gl = splitTopLevel(stripOuterBrackets(g));
  if (al.length > 1 || gl.length > 1) return listEqual(al, gl);
  // A lone "x=5" answers a gold "5" (and the other way round).
  const av = g.includes('=') ? a : (assignment(a)?.[1] ?? a);
  const gv = a.includes('=') ? g : (assignment(g)?.[1] ?? g);
  return scalarEqual(av, gv);
}
