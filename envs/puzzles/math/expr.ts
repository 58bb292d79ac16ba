/**
 * A small, safe arithmetic expression language: numbers, + - * / ^, unary signs, brackets and
 * implicit multiplication before a bracket ("2(3+4)"). Parsed by recursive descent into a tree and
 * evaluated with exact rationals; nothing is ever passed to `eval`. Model answers are untrusted, so
 * input length, nesting depth, literal size and exponents are all bounded, and the parser reports
 * errors as values instead of throwing.
 */
import { add, div, mul, neg, parseDecimal, pow, sub, type Rational } from './rational.js';

export type BinaryOp = '+' | '-' | '*' | '/' | '^';

export type Expr =
  | { type: 'num'; value: Rational; text: string }
  | { type: 'neg'; arg: Expr }
  | { type: 'bin'; op: BinaryOp; left: Expr; right: Expr };

export type ParseResult = { ok: true; expr: Expr } | { ok: false; error: string };

/** Longest input read at all; answers are short, and this bounds the work on hostile text. */
export const MAX_EXPRESSION_LENGTH = 10_000;
const MAX_DEPTH = 100;

type Token = { kind: 'num'; text: string } | { kind: 'op'; text: string };

/** Spellings a model may use for each operator (unicode minus, ×, ÷, ·, **). */
const OPERATOR_ALIASES: Record<string, string> = {
  '+': '+', '-': '-', '\u2212': '-', '\u2013': '-',
  '*': '*', '\u00d7': '*', '\u00b7': '*', '\u22c5': '*', '\u2217': '*',
  '/': '/', '\u00f7': '/', '\u2215': '/',
  '^': '^', '(': '(', ')': ')', '[': '(', ']': ')', '{': '(', '}': ')',
};

function tokenize(text: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if ((c >= '0' && c <= '9') || c === '.') {
      let j = i;
      while (j < text.length && ((text[j] >= '0' && text[j] <= '9') || text[j] === '.')) j++;
      tokens.push({ kind: 'num', text: text.slice(i, j) });
      i = j;
    } else if (c === '*' && text[i + 1] === '*') {
      tokens.push({ kind: 'op', text: '^' });
      i += 2;
    } else if (OPERATOR_ALIASES[c] !== undefined) {
      tokens.push({ kind: 'op', text: OPERATOR_ALIASES[c] });
      i++;
    } else {
      return `unexpected character ${JSON.stringify(c)} at ${i}`;
    }
  }
  return tokens;
}

class ParseError extends Error {}

/** Recursive descent; precedence low to high: + -, * / (and implicit), unary sign, ^. */
class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Expr {
    const e = this.expr();
    if (this.pos < this.tokens.length) throw new ParseError(`unexpected "${this.tokens[this.pos].text}"`);
    return e;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private isOp(text: string): boolean {
    const t = this.peek();
    return t !== undefined && t.kind === 'op' && t.text === text;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new ParseError('expression nested too deeply');
  }

  private expr(): Expr {
    let left = this.term();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.tokens[this.pos++].text as BinaryOp;
      left = { type: 'bin', op, left, right: this.term() };
    }
    return left;
  }

  private term(): Expr {
    let left = this.unary();
    for (;;) {
      if (this.isOp('*') || this.isOp('/')) {
        const op = this.tokens[this.pos++].text as BinaryOp;
        left = { type: 'bin', op, left, right: this.unary() };
      } else if (this.isOp('(')) {
        // Implicit multiplication, as in "2(3+4)" or "(1+2)(3+4)".
        left = { type: 'bin', op: '*', left, right: this.power() };
      } else {
        return left;
      }
    }
  }

  private unary(): Expr {
    if (this.isOp('-') || this.isOp('+')) {
      const sign = this.tokens[this.pos++].text;
      this.enter();
      const arg = this.unary();
      this.depth--;
      return sign === '-' ? { type: 'neg', arg } : arg;
    }
    return this.power();
  }

  private power(): Expr {
    const base = this.primary();
    if (!this.isOp('^')) return base;
    this.pos++;
    this.enter();
    // Right-associative, and the exponent may carry a sign: 2^-1, 2^3^2 = 2^(3^2).
    const exponent = this.unary();
    this.depth--;
    return { type: 'bin', op: '^', left: base, right: exponent };
  }

  private primary(): Expr {
    const t = this.peek();
    if (t === undefined) throw new ParseError('unexpected end of expression');
    if (t.kind === 'num') {
      this.pos++;
      const value = parseDecimal(t.text);
      if (value === null) throw new ParseError(`bad number "${t.text}"`);
      return { type: 'num', value, text: t.text };
    }
    if (t.text === '(') {
      this.pos++;
      this.enter();
      const inner = this.expr();
      this.depth--;
      if (!this.isOp(')')) throw new ParseError('missing closing bracket');
      this.pos++;
      return inner;
    }
    throw new ParseError(`unexpected "${t.text}"`);
  }
}

/** Parses an arithmetic expression; never throws. */
export function parseExpression(text: string): ParseResult {
  if (text.length > MAX_EXPRESSION_LENGTH) return { ok: false, error: 'expression too long' };
  const tokens = tokenize(text);
  if (typeof tokens === 'string') return { ok: false, error: tokens };
  if (tokens.length === 0) return { ok: false, error: 'empty expression' };
  try {
    return { ok: true, expr: new Parser(tokens).parse() };
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, error: e.message };
    throw e;
  }
}

/** The exact value, or null when undefined (division by zero, non-integer or huge exponent). */
export function evaluate(e: Expr): Rational | null {
  try {
    return evalOrThrow(e);
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
}

/**
 * Most bits a numerator or denominator may reach during evaluation (about 616 digits; answers are
 * far smaller). The exponent cap alone is not enough: "((((9^64)^64)^64)^64)^64" nests capped
 * powers into billions of digits (minutes of bigint work), so every intermediate value is bounded
 * too, and a power is refused before it is computed. The bound also keeps each gcd cheap: at 8192
 * bits a 10,000-character product of fractions took 1.3 s.
 */
const MAX_BITS = 2048;
const MAX_MAGNITUDE = 1n << BigInt(MAX_BITS);

const bitLength = (n: bigint) => (n < 0n ? -n : n).toString(16).length * 4;

function bounded(r: Rational): Rational {
  if (r.num > MAX_MAGNITUDE || -r.num > MAX_MAGNITUDE || r.den > MAX_MAGNITUDE) throw new RangeError('value too large');
  return r;
}

function boundedPow(a: Rational, k: Rational): Rational {
  const e = Number(k.num < 0n ? -k.num : k.num);
  if (Math.max(bitLength(a.num), bitLength(a.den)) * Math.min(e, 1e6) > 2 * MAX_BITS) throw new RangeError('power too large');
  return pow(a, k);
}

function evalOrThrow(e: Expr): Rational {
  switch (e.type) {
    case 'num':
      return e.value;
    case 'neg':
      return neg(evalOrThrow(e.arg));
    case 'bin': {
      const a = evalOrThrow(e.left);
      const b = evalOrThrow(e.right);
      switch (e.op) {
        case '+': return bounded(add(a, b));
        case '-': return bounded(sub(a, b));
        case '*': return bounded(mul(a, b));
        case '/': return bounded(div(a, b));
        case '^': return bounded(boundedPow(a, b));
      }
    }
  }
}

/** Parse then evaluate: the value of an expression text, or null. */
export function evaluateText(text: string): Rational | null {
  const r = parseExpression(text);
  return r.ok ? evaluate(r.expr) : null;
}

/** The number literals of an expression, left to right (countdown checks them against its pool). */
export function numberLeaves(e: Expr): Rational[] {
  if (e.type === 'num') return [e.value];
  if (e.type === 'neg') return numberLeaves(e.arg);
  return [...numberLeaves(e.left), ...numberLeaves(e.right)];
}

/** The operators an expression uses, unary minus written as "neg". */
export function operatorsUsed(e: Expr, out = new Set<string>()): Set<string> {
  if (e.type === 'neg') {
    out.add('neg');
    operatorsUsed(e.arg, out);
  } else if (e.type === 'bin') {
    out.add(e.op);
    operatorsUsed(e.left, out);
    operatorsUsed(e.right, out);
  }
  return out;
}

const PRECEDENCE = { '+': 1, '-': 1, '*': 2, '/': 2, neg: 3, '^': 4, num: 5 } as const;

function precedence(e: Expr): number {
  return e.type === 'num' ? PRECEDENCE.num : e.type === 'neg' ? PRECEDENCE.neg : PRECEDENCE[e.op];
}

/**
 * Text that parses back to the same tree, with only the brackets the tree needs. Binary operators
 * get spaces around them (puzzle prompts read better), except ^.
 */
export function printExpression(e: Expr): string {
  if (e.type === 'num') return e.text;
  if (e.type === 'neg') {
    const arg = printExpression(e.arg);
    return e.arg.type === 'neg' || precedence(e.arg) < PRECEDENCE.neg ? `-(${arg})` : `-${arg}`;
  }
  const p = PRECEDENCE[e.op];
  if (e.op === '^') {
    // Right-associative: the base needs brackets unless atomic, the exponent only below unary.
    const base = precedence(e.left) <= p ? `(${printExpression(e.left)})` : printExpression(e.left);
    const exp = precedence(e.right) < PRECEDENCE.neg ? `(${printExpression(e.right)})` : printExpression(e.right);
    return `${base}^${exp}`;
  }
  const left = precedence(e.left) < p ? `(${printExpression(e.left)})` : printExpression(e.left);
  // Left-associative: an equal-precedence right operand keeps its brackets (a - (b - c)).
  const right = precedence(e.right) <= p ? `(${printExpression(e.right)})` : printExpression(e.right);
  return `${left} ${e.op} ${right}`;
}
