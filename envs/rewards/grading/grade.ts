/**
 * Whether a final answer equals a gold answer (README "What counts as equal"):
 *
 * 1. Both are unwrapped the same way (`answerCore`): `\boxed{}`, `$...$`, a sentence around the
 *    formula. Units, currency, percent and degree signs are split off (`splitUnit`); when both
 *    sides name a unit, the units must agree.
 * 2. Shapes (`readShape`): sets compare unordered without duplicates, unions of intervals
 *    unordered, bracketed tuples and intervals element by element with the same brackets, plain
 *    lists unordered, `x=1, y=2` by name, equations by their value side (`5=x`, `x = 2 + 3 = 5`).
 * 3. Values: equal text (case aside); then exact rationals when both sides are arithmetic (no
 *    tolerance: 0.10000001 is not 0.1); then choice letters; then the computer-algebra library,
 *    through its guard (`cas.ts`), comparing values at sample points.
 *
 * Every step is bounded: answers over `MAX_GRADED_CHARS` are not graded, lists over `MAX_ITEMS`
 * are not paired, and the library only sees what its guard lets through.
 */
import { evaluateText } from '../../puzzles/math/expr.js';
import { normaliseAnswer } from '../../puzzles/math/latex.js';
import { eq } from '../../puzzles/math/rational.js';
import { trimEndChars } from '../../puzzles/text-trim.js';
import { fingerprint, sameValues } from './cas.js';
import { readShape, tooLarge, type Shape } from './structure.js';
import { answerCore, plainNotation, splitUnit } from './text.js';

/** Relations that do not state a value; an answer using one only equals the same text. */
const RELATION = /\\(?:approx|neq|ne|leq?|geq?|sim|simeq|propto)(?![a-zA-Z])|[<>≈≤≥≠]/;

const IDENTIFIER = /^(?:[a-zA-Z]|\\(?:alpha|beta|gamma|theta|phi|lambda|mu|sigma|omega|tau))(?:_\{?[a-zA-Z0-9]+\}?)?$/;

/** "x=5" -> name x, value 5; "5=x" -> the same; "x = 2 + 3 = 5" -> x and 5; "5" -> no name. */
function equation(text: string): { name: string | null; value: string } {
  const sides = text.split('=').map((s) => s.trim());
  if (sides.length === 1) return { name: null, value: text };
  const first = sides[0];
  const last = sides[sides.length - 1];
  if (IDENTIFIER.test(first.replace(/\s+/g, ''))) return { name: first.replace(/\s+/g, ''), value: last };
  if (sides.length === 2 && IDENTIFIER.test(last.replace(/\s+/g, ''))) return { name: last.replace(/\s+/g, ''), value: first };
  return { name: null, value: last };
}

/** Plain-text spellings the library reads as LaTeX: sqrt(2) -> \sqrt{2}, pi -> \pi, 2*3 -> 2\cdot3. */
function toLatex(text: string): string {
  let s = text
    .replace(/\u03c0/g, '\\pi ')
    .replace(/[\u00d7\u00b7\u22c5\u2217]|\*\*?/g, (m) => (m === '**' ? '^' : '\\cdot '))
    .replace(/\u00f7/g, '/')
    .replace(/[\u2212\u2013]/g, '-')
    .replace(/(?<![\\a-zA-Z])(pi|infty|ln|log|exp|sin|cos|tan)(?![a-zA-Z])/g, '\\$1 ')
    .replace(/(?<![a-zA-Z])inf(?:inity)?(?![a-zA-Z])/g, '\\infty ')
    .replace(/\\(?:left|right)(?![a-zA-Z])/g, '')
    // x_1 as one symbol: the library reads a bare "x_1 + 1" as x indexed by 1 + 1.
    .replace(/(?<![\\a-zA-Z])([a-zA-Z])_(?:\{([a-zA-Z0-9])\}|([a-zA-Z0-9]))/g, '\\mathrm{$1_$2$3}');
  // sqrt(...) -> \sqrt{...}, the bracket matched by depth (one pass per occurrence, few of them).
  for (let at = s.search(/(?<!\\)sqrt\s*\(/); at >= 0; at = s.search(/(?<!\\)sqrt\s*\(/)) {
    const open = s.indexOf('(', at);
    let depth = 0;
    let close = -1;
    for (let i = open; i < s.length; i++) {
      if (s[i] === '(') depth++;
      else if (s[i] === ')' && --depth === 0) {
        close = i;
        break;
      }
    }
    if (close < 0) break;
    s = `${s.slice(0, at)}\\sqrt{${s.slice(open + 1, close)}}${s.slice(close + 1)}`;
  }
  return s.replace(/\+\s*\\infty/g, '\\infty').trim();
}

/** Choice and word answers: "(B)", "B.", "b)" all read "b". */
function textKey(text: string): string {
  let s = normaliseAnswer(text);
  while (s.length >= 2 && s[0] === '(' && s[s.length - 1] === ')') s = s.slice(1, -1);
  s = trimEndChars(s.startsWith('(') ? s.slice(1) : s, ').:');
  return s.toLowerCase();
}

/** A gold answer that is one choice letter ("B", "(B)", "\\text{B}"), as its lower-case letter; else null. */
function choiceGold(core: string): string | null {
  const key = textKey(core);
  if (!/^[a-z]$/.test(key)) return null;
  // A lone lower-case letter is a variable ("x", "e") more often than a choice; "(b)" is a choice.
  return /[A-Z]/.test(core) || core.startsWith('(') ? key : null;
}

/**
 * How a choice is answered: "Option B", "choice (b)", "the correct option is B", a label and the
 * option's text ("B) 42", "(B) 42", "B. 42"). Group 1: the lead word, 2 or 3: the letter,
 * 4: the mark after it, 5: what follows.
 */
const CHOICE_ANSWER = /^((?:the )?(?:correct |right |best )?(?:option|choice|answer)(?: is)?:? ?)?(?:\(([a-z])\)|([a-z])(?![a-z]))([.:)]?)(?: (.*))?$/i;

/**
 * The letter a choice answer names, lower-case, or null when it names none or more than one
 * ("B or C", "A) 5 B) 6"). A bare letter with text after it needs a label mark ("B) 42"): "B 42"
 * and "Option B is right" are no choice (the grader reads no prose about the letter).
 */
function choiceAnswer(core: string): string | null {
  const m = CHOICE_ANSWER.exec(core.replace(/\\(?:text|textbf|textrm|mathrm|mathbf)\s*\{([^{}]*)\}/g, '$1').replace(/\s+/g, ' ').trim());
  if (!m) return null;
  const [, lead, inParens, bare, mark, rest] = m;
  if (rest !== undefined) {
    // Text after the letter is the option's own, after a label: "B) 42", "(B) 42", "Option B: 42".
    if (bare !== undefined && mark === '') return null;
    // Another capital letter standing alone, a bracketed letter, a conjunction or a negation: not one choice.
    if (/(?:^|[^a-zA-Z\\])[A-Z](?![a-zA-Z])/.test(rest) || /\([a-zA-Z]\)/.test(rest) || /\b(?:or|and|nor|not|wrong|incorrect|false)\b/i.test(rest)) return null;
  }
  return (inParens ?? bare).toLowerCase();
}

/** Equality of two single values (no list at the top). */
export function valuesEqual(answer: string, gold: string): boolean {
  const a = answer.trim();
  const g = gold.trim();
  if (a === '' || g === '') return false;
  if (RELATION.test(a) || RELATION.test(g)) return a.replace(/\s+/g, '') === g.replace(/\s+/g, '');
  const ea = equation(a);
  const eg = equation(g);
  if (ea.name !== null && eg.name !== null && ea.name !== eg.name) return false;
  const av = ea.value;
  const gv = eg.value;
  if (av === '' || gv === '') return false;
  const na = normaliseAnswer(av);
  const ng = normaliseAnswer(gv);
  if (na.toLowerCase() === ng.toLowerCase() && na !== '') return true;
  const ra = evaluateText(na);
  const rg = evaluateText(ng);
  // Both arithmetic: the exact comparison decides, with no float tolerance.
  if (ra !== null && rg !== null) return eq(ra, rg);
  const ka = textKey(av);
  const kg = textKey(gv);
  if (ka === kg && ka !== '') return true;
  // Word answers ("Paris") were compared as text; the guard keeps them from the library.
  return sameValues(fingerprint(toLatex(av)), fingerprint(toLatex(gv)));
}

/** Whether a list item is a word or phrase rather than a formula ("Up", "Alice: knight"). */
function isWordy(item: string): boolean {
  return /[a-zA-Z]{2}/.test(item.replace(/\\[a-zA-Z]+/g, '').replace(/\b(?:sqrt|pi|ln|log|exp|sin|cos|tan|inf|infinity)\b/g, ''));
}

/** Pairs every element of `a` with an equal one of `b` and the other way round (sets). */
function sameElements(a: readonly string[], b: readonly string[]): boolean {
  return a.every((x) => b.some((y) => valuesEqual(x, y))) && b.every((y) => a.some((x) => valuesEqual(x, y)));
}

function assignments(list: readonly string[]): Map<string, string> | null {
  const out = new Map<string, string>();
  for (const item of list) {
    const e = equation(item);
    if (e.name === null || out.has(e.name)) return null;
    out.set(e.name, e.value);
  }
  return out;
}

function shapesEqual(a: Shape, g: Shape): boolean {
  if (tooLarge(a) || tooLarge(g)) return false;
  if (a.kind === 'value' && g.kind === 'value') return valuesEqual(a.text, g.text);
  if (a.kind === 'union' || g.kind === 'union') {
    if (a.kind !== 'union' || g.kind !== 'union' || a.parts.length !== g.parts.length) return false;
    return a.parts.every((p) => g.parts.some((q) => shapesEqual(p, q))) && g.parts.every((q) => a.parts.some((p) => shapesEqual(p, q)));
  }
  if (a.kind === 'value' || g.kind === 'value') return false;
  if (a.kind === 'bracketed' && g.kind === 'bracketed') {
    return a.open === g.open && a.close === g.close && a.items.length === g.items.length && a.items.every((x, i) => valuesEqual(x, g.items[i]));
  }
  // Named values ("x=1, y=2") compare by name, in any order.
  const na = assignments(a.items);
  const ng = assignments(g.items);
  if (na !== null && ng !== null && a.kind === 'list' && g.kind === 'list') {
    return na.size === ng.size && [...na].every(([name, v]) => ng.has(name) && valuesEqual(v, ng.get(name) as string));
  }
  // A tuple against a list of values or assignments ("(3, -2)" and "x=3, y=-2"): by position.
  if (a.kind === 'bracketed' || g.kind === 'bracketed') {
    if (a.kind === 'set' || g.kind === 'set' || a.items.length !== g.items.length) return false;
    return a.items.every((x, i) => valuesEqual(equation(x).value, equation(g.items[i]).value));
  }
  // Plain lists of words keep their order ("Up, Left" is a plan, not a set of moves).
  if (a.kind === 'list' && g.kind === 'list' && [...a.items, ...g.items].some(isWordy)) {
    return a.items.length === g.items.length && a.items.every((x, i) => valuesEqual(x, g.items[i]));
  }
  // Sets, and plain lists of solutions: unordered, duplicates aside.
  return sameElements(a.items, g.items);
}

/** The compared form of one side: its core, unit and shape; null when it has none. */
function prepare(text: string): { unit: string | null; shape: Shape; core: string } | null {
  const core = answerCore(text);
  if (core === null || core === '') return null;
  const { value, unit } = splitUnit(core);
  const v = plainNotation(value);
  if (v.trim() === '') return null;
  return { unit, shape: readShape(v), core: v };
}

/** Why a gold answer cannot be graded against, or null when it can. */
export function goldProblem(gold: string): string | null {
  if (gold.trim() === '') return 'the gold answer is empty';
  const core = answerCore(gold);
  if (core === null) return 'the gold answer is longer than an answer can be';
  if (core.replace(/[\s$]|\\[()[\]]/g, '') === '') return 'the gold answer holds nothing once its $...$ and \\boxed{} are removed';
  let depth = 0;
  for (const c of core) {
    if (c === '{') depth++;
    else if (c === '}' && --depth < 0) break;
  }
  if (depth !== 0) return 'the gold answer has unbalanced braces';
  return null;
}

/** Whether `answer` (a model's final answer) equals `gold`; false for an unusable gold. */
export function answersMatch(answer: string, gold: string): boolean {
  if (goldProblem(gold) !== null) return false;
  const a = prepare(answer);
  const g = prepare(gold);
  if (a === null || g === null) return false;
  if (a.unit !== null && g.unit !== null && a.unit !== g.unit) return false;
  if (a.core.replace(/\s+/g, '') === g.core.replace(/\s+/g, '')) return true;
  if (shapesEqual(a.shape, g.shape)) return true;
  // A choice gold ("B") against a choice answered in words or with the option's text ("Option B", "B) 42").
  const letter = choiceGold(g.core);
  return letter !== null && choiceAnswer(a.core) === letter;
}
