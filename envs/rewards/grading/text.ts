/**
 * From a final answer (or a gold answer) to the text that is compared: math delimiters and
 * `\boxed{}` unwrapped, a sentence around the formula dropped, a unit or currency split off, and
 * number notation (`1{,}000`, `1e3`, `12,000`) made plain. Gold and answer go through the same
 * steps, so LMM-R1's `$\boxed{60}$` labels unwrap exactly as answers do.
 *
 * Every step is a plain scan or a regex without nested quantifiers, and the text is cut to
 * `MAX_GRADED_CHARS` before any of them, so the work is bounded on any input.
 */
import { extractLastBoxed } from '../../puzzles/math/latex.js';
import { trimEndChars } from '../../puzzles/text-trim.js';

/**
 * Longest final answer graded at all. Real answers are far shorter (a long list of solutions is a
 * few hundred characters); anything longer is not an answer but a model that kept writing.
 */
export const MAX_GRADED_CHARS = 2_000;

/**
 * The content of the last math segment (`$...$`, `$$...$$`, `\(...\)`, `\[...\]`), or null when
 * there is none. One left-to-right pass; an unclosed opener ends the scan (it closes nothing).
 */
export function lastMathSegment(text: string): string | null {
  let last: string | null = null;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') {
      const n = text[i + 1];
      if (n === '(' || n === '[') {
        const close = text.indexOf(n === '(' ? '\\)' : '\\]', i + 2);
        if (close < 0) break;
        last = text.slice(i + 2, close);
        i = close + 2;
      } else {
        i += 2; // an escaped character, `\$` among them, opens nothing
      }
    } else if (c === '$') {
      const d = text[i + 1] === '$' ? '$$' : '$';
      let close = text.indexOf(d, i + d.length);
      while (close > 0 && text[close - 1] === '\\') close = text.indexOf(d, close + 1);
      if (close < 0) break;
      last = text.slice(i + d.length, close);
      i = close + d.length;
    } else {
      i++;
    }
  }
  return last;
}

/** "So the final answer is: " and the like, on whitespace-collapsed text. */
const LEAD_IN = /^(?:(?:so|thus|therefore|hence),? )?(?:the )?(?:final )?(?:answer|result)(?: is)?:? ?/i;

/** The same lead-in in Markdown bold: "**Answer:** 5", "**Final answer**: 5". */
const BOLD_LEAD_IN = /^(\*\*|__)(?:(?:so|thus|therefore|hence),? )?(?:the )?(?:final )?(?:answer|result)(?: is)?:?\1:? ?/i;

/**
 * Markdown emphasis around the whole answer removed: "**5**", "__5__", "*5*". Only a wrapper with
 * no marker inside it, so "x**2 + y**2" (a power) and "x_1" stay as they are.
 */
export function stripEmphasis(text: string): string {
  let s = text;
  for (let pass = 0; pass < 3; pass++) {
    const mark = s.startsWith('**') ? '**' : s.startsWith('__') ? '__' : s.startsWith('*') ? '*' : null;
    if (mark === null || s.length <= 2 * mark.length || !s.endsWith(mark)) break;
    const inner = s.slice(mark.length, -mark.length);
    if (inner.includes(mark === '__' ? '__' : '*') || inner.trim() === '') break;
    s = inner.trim();
  }
  return s;
}

/** Where a brace-less box's content ends: its line or its math segment. */
const BRACELESS_END = /\$|\n|\\[)\]]/g;

/**
 * The content of the last box: `\boxed{...}` (or `\fbox{...}`) as `extractLastBoxed` reads it, or
 * a brace-less `\boxed 5` written after the last braced one. That runs to the end of its line or
 * math segment (`\boxed 12` is 12, as MATH's answer extraction reads it, not TeX's \boxed{1}2).
 * Null when there is no box.
 */
export function lastBox(text: string): string | null {
  const starts = [...text.matchAll(/\\(?:boxed|fbox)(?![a-zA-Z])/g)];
  // From the last one back: the first brace-less box with content is the candidate (one scan
  // to its end, the empty ones before it end where they start, so the whole is linear).
  for (let k = starts.length - 1; k >= 0; k--) {
    const at = starts[k].index;
    let i = at + starts[k][0].length;
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (i >= text.length || text[i] === '{') continue;
    BRACELESS_END.lastIndex = i;
    const end = BRACELESS_END.exec(text)?.index ?? text.length;
    const inside = text.slice(i, end).trim();
    if (inside === '') continue;
    // A braced box after it is the last box: the braced reading stands, unchanged.
    return extractLastBoxed(text.slice(at)) !== null ? extractLastBoxed(text) : inside;
  }
  return extractLastBoxed(text);
}

/**
 * The formula of a final answer: the last box (`lastBox`), else the last math segment, else the
 * text with a leading "the answer is" dropped; a trailing full stop and Markdown emphasis around
 * it removed. Null when it is longer than `MAX_GRADED_CHARS`.
 */
export function answerCore(text: string): string | null {
  let s = text.trim();
  if (s.length > MAX_GRADED_CHARS) return null;
  const boxed = lastBox(s);
  if (boxed !== null) s = boxed;
  else {
    const segment = lastMathSegment(s);
    if (segment !== null) s = segment;
    else s = stripEmphasis(s.replace(/\s+/g, ' ')).replace(BOLD_LEAD_IN, '').replace(LEAD_IN, '');
  }
  // A box inside the segment ("$\boxed{5}$") is still the answer.
  const inner = lastBox(s);
  if (inner !== null) s = inner;
  const core = trimEndChars(s.trim(), '.').trim();
  // "**5**." and "**5.**": the emphasis, then the full stop it held.
  const plain = stripEmphasis(core);
  return plain === core ? core : trimEndChars(plain, '.').trim();
}

/** Canonical unit names; anything else compares by its lower-case singular form. */
const UNIT_ALIASES: Record<string, string> = {
  '%': '%', percent: '%', percents: '%', pct: '%',
  '°': '°', degree: '°', degrees: '°', deg: '°',
  $: '$', dollar: '$', dollars: '$', usd: '$', 'us$': '$',
  '€': 'eur', eur: 'eur', euro: 'eur', euros: 'eur',
  '£': 'gbp', gbp: 'gbp', pound: 'gbp', pounds: 'gbp',
  cm: 'cm', centimeter: 'cm', centimeters: 'cm', centimetre: 'cm', centimetres: 'cm',
  mm: 'mm', millimeter: 'mm', millimeters: 'mm',
  m: 'm', meter: 'm', meters: 'm', metre: 'm', metres: 'm',
  km: 'km', kilometer: 'km', kilometers: 'km', kilometre: 'km', kilometres: 'km',
  g: 'g', gram: 'g', grams: 'g', kg: 'kg', kilogram: 'kg', kilograms: 'kg',
  s: 's', sec: 's', second: 's', seconds: 's', min: 'min', minute: 'min', minutes: 'min',
  h: 'h', hr: 'h', hrs: 'h', hour: 'h', hours: 'h',
  l: 'l', liter: 'l', liters: 'l', litre: 'l', litres: 'l',
};

/** Single letters read as a unit when they follow a plain number ("5 m"), never after a formula. */
const SINGLE_LETTER_UNITS = new Set(['m', 'g', 's', 'h', 'l']);

/** Words that are mathematics, not units: "2 pi", "3 sqrt". */
const MATH_WORDS = new Set(['pi', 'sqrt', 'sin', 'cos', 'tan', 'log', 'ln', 'exp', 'infty', 'inf', 'or', 'and']);

export function canonicalUnit(unit: string): string {
  const u = unit.toLowerCase().replace(/[\s~{}\\]/g, '');
  const power = /\^\(?(\d)\)?$/.exec(u);
  const base = power ? u.slice(0, power.index) : u;
  const name = UNIT_ALIASES[base] ?? (base.length > 3 && base.endsWith('s') ? base.slice(0, -1) : base);
  return power ? `${name}^${power[1]}` : name;
}

export interface ValueWithUnit {
  /** The answer without its unit. */
  value: string;
  /** The canonical unit, or null when the answer names none. */
  unit: string | null;
}

const TEXT_COMMAND = /\\(?:text|textrm|textup|textnormal|mathrm|mbox|textbf|textit|mathbf|mathit|operatorname)\s*\{([^{}]*)\}/g;

/** Whether `head` (the text before a unit) ends in something a unit can follow. */
function endsNumeric(head: string): boolean {
  return /[\d})!]$/.test(head) && /\d/.test(head);
}

/**
 * Splits a trailing unit, a leading currency sign, a percent or a degree sign off the answer:
 * "5\,\text{cm}" -> 5 and cm, "\$5" -> 5 and $, "50\%" -> 50 and %, "3 apples" -> 3 and apple.
 */
export function splitUnit(text: string): ValueWithUnit {
  let s = text
    // Digit groups first: "1\,000" and "1{,}000" are one number, not a space or a list.
    .replace(/(\d)(?:\\,|\{,\}|\\ )(?=\d{3}(?!\d))/g, '$1')
    .replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ(?![a-zA-Z])|\\degree(?![a-zA-Z])/g, '°')
    .replace(/\\[,;:! ]|~/g, ' ')
    .trim();
  let unit: string | null = null;
  // Leading currency: "\$5", "$5" (a lone dollar is no math delimiter), "USD 5", "€5".
  const currency = /^(?:\\\$|\$|US\$|USD\s|€|£|EUR\s|GBP\s)\s*/i.exec(s);
  if (currency && /^[-+\d.]/.test(s.slice(currency[0].length))) {
    unit = canonicalUnit(currency[0].trim().replace(/^\\/, ''));
    s = s.slice(currency[0].length);
  }
  // Trailing percent or degree sign.
  const sign = /(?:\\%|%|°)$/.exec(s);
  if (sign && s.length > sign[0].length) {
    return { value: s.slice(0, -sign[0].length).trim(), unit: unit ?? canonicalUnit(sign[0].replace('\\', '')) };
  }
  // A trailing text command ("5\text{ cm}", "12\text{ m}^2") after a number is a unit, whatever it says.
  const cmd = /\\(?:text|textrm|mathrm|mbox|textnormal|operatorname)\s*\{([^{}]*)\}(\^\{?\d\}?)?$/.exec(s);
  if (cmd && cmd[1].trim() !== '') {
    const head = s.slice(0, cmd.index).trim();
    if (endsNumeric(head) && /^[a-zA-Z.$%° ]+$/.test(cmd[1].trim())) {
      return { value: head, unit: unit ?? canonicalUnit(cmd[1] + (cmd[2] ?? '')) };
    }
  }
  // Trailing words after a number: "3 apples", "5cm", "2 hours", "5 m". A backwards scan over
  // letters, dots and spaces (a regex with a repeated group of words would backtrack).
  const plain = s.replace(TEXT_COMMAND, ' $1 ').replace(/\s+/g, ' ').trim();
  const power = /\^\{?(\d)\}?$/.exec(plain);
  const end = power ? power.index : plain.length;
  let i = end;
  while (i > 0 && /[a-zA-Z. ]/.test(plain[i - 1])) i--;
  const words = plain.slice(i, end).split(' ').filter((w) => w !== '' && w !== '.');
  if (words.length > 0 && plain[i - 1] !== '\\') {
    const head = plain.slice(0, i).trim();
    const single = words.length === 1 && words[0].length === 1;
    const isUnit =
      endsNumeric(head) &&
      !words.some((w) => MATH_WORDS.has(w.toLowerCase().replace('.', ''))) &&
      (single
        ? SINGLE_LETTER_UNITS.has(words[0].toLowerCase()) && /^[-+]?[\d.]+$/.test(head) && plain[i] === ' '
        : words.every((w) => w.replace('.', '').length > 1));
    if (isUnit) return { value: head, unit: unit ?? canonicalUnit(words.join('').replace(/\./g, '') + (power ? `^${power[1]}` : '')) };
  }
  // No unit after the value (a leading currency sign, if any, was split off above).
  return { value: s.trim(), unit };
}

/** "1{,}000" and "12,000" are one number; "1e3", "1.5e-2", "3E8" scientific notation. */
export function plainNotation(text: string): string {
  let s = text.replace(/(\d)\{,\}(?=\d)/g, '$1');
  const compact = s.replace(/\s+/g, '');
  if (/^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(compact)) s = compact.replace(/,/g, '');
  // Mantissa, e or E, signed integer exponent, and no letter after it (2e is 2 times e).
  s = s.replace(/(\d\.?)[eE]([-+]?\d{1,4})(?![\d.a-zA-Z])/g, '$1\\times10^{$2}');
  return s;
}
