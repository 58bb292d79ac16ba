/**
 * Countdown: reach a target from given numbers with + - * / and brackets, each number used at most
 * once. Solvable by construction: the target is the value of an expression built from a random
 * subset of the numbers (positive whole intermediate results, as in the TV game). Any expression
 * that is valid and evaluates to the target (exactly, in rationals) is accepted.
 */
import type { Rng } from '../../core/rng.js';
import { evaluate, numberLeaves, operatorsUsed, parseExpression, printExpression, type Expr } from '../math/expr.js';
import { normaliseAnswer } from '../math/latex.js';
import { eq, isInteger, rat } from '../math/rational.js';
import type { JsonObject } from '../../core/types.js';
import type { PuzzleFamily, PuzzleItem } from '../types.js';
import { level } from './level.js';

interface Knobs {
  count: number;
  small: number;
  /** How many of the "large" numbers (25, 50, 75, 100) join the pool. */
  large: [number, number];
  use: [number, number];
  ops: Array<'+' | '-' | '*' | '/'>;
  targetMax: number;
}

const KNOBS: Record<1 | 2 | 3 | 4 | 5, Knobs> = {
  1: { count: 3, small: 10, large: [0, 0], use: [2, 3], ops: ['+', '-', '*'], targetMax: 100 },
  2: { count: 4, small: 10, large: [0, 0], use: [3, 4], ops: ['+', '-', '*'], targetMax: 200 },
  3: { count: 4, small: 25, large: [0, 0], use: [3, 4], ops: ['+', '-', '*', '/'], targetMax: 500 },
  4: { count: 5, small: 10, large: [1, 1], use: [4, 5], ops: ['+', '-', '*', '/'], targetMax: 1000 },
  5: { count: 6, small: 10, large: [1, 2], use: [4, 6], ops: ['+', '-', '*', '/'], targetMax: 999 },
};

const ALLOWED_OPS = new Set(['+', '-', '*', '/']);

interface Node {
  value: number;
  expr: Expr;
}

const leaf = (n: number): Node => ({ value: n, expr: { type: 'num', value: rat(n), text: String(n) } });

/** Combines two partial results the way the game allows, or null when the move is not allowed. */
function combine(a: Node, b: Node, op: '+' | '-' | '*' | '/'): Node | null {
  const [hi, lo] = a.value >= b.value ? [a, b] : [b, a];
  const node = (value: number, left: Node, right: Node): Node => ({
    value,
    expr: { type: 'bin', op, left: left.expr, right: right.expr },
  });
  switch (op) {
    case '+': return node(a.value + b.value, a, b);
    case '-': return hi.value === lo.value ? null : node(hi.value - lo.value, hi, lo);
    // Multiplying or dividing by 1 teaches nothing.
    case '*': return a.value === 1 || b.value === 1 ? null : node(a.value * b.value, a, b);
    case '/': return lo.value <= 1 || hi.value % lo.value !== 0 ? null : node(hi.value / lo.value, hi, lo);
  }
}

function pool(rng: Rng, k: Knobs): number[] {
  const large = rng.shuffle([25, 50, 75, 100]).slice(0, rng.range(k.large[0], k.large[1]));
  const small = Array.from({ length: k.count - large.length }, () => rng.range(1, k.small));
  return rng.shuffle([...small, ...large]);
}

/** One attempt at a target built from a subset of `numbers`. */
function build(rng: Rng, k: Knobs, numbers: number[]): Node | null {
  let nodes = rng.shuffle(numbers).slice(0, rng.range(k.use[0], Math.min(k.use[1], numbers.length))).map(leaf);
  while (nodes.length > 1) {
    const [a, b, ...rest] = rng.shuffle(nodes);
    const c = combine(a, b, rng.pick(k.ops));
    if (c === null) return null;
    nodes = [c, ...rest];
  }
  const t = nodes[0];
  return t.value > 0 && t.value <= k.targetMax && !numbers.includes(t.value) ? t : null;
}

/**
 * Reads a countdown answer: an expression, optionally written as an equation with the target on
 * one side ("(6 + 4) * 5 = 50"). Returns the expression side.
 */
function expressionSide(answer: string, target: number): string | null {
  const sides = normaliseAnswer(answer).split('=');
  if (sides.length === 1) return sides[0];
  if (sides.length !== 2) return null;
  const isTarget = (s: string) => s === String(target);
  return isTarget(sides[1]) ? sides[0] : isTarget(sides[0]) ? sides[1] : null;
}

/** Whether `answer` reaches `target` using only + - * / and each of `numbers` at most once. */
export function checkCountdown(answer: string, numbers: readonly number[], target: number): boolean {
  const side = expressionSide(answer, target);
  if (side === null) return false;
  const parsed = parseExpression(side);
  if (!parsed.ok) return false;
  for (const op of operatorsUsed(parsed.expr)) if (!ALLOWED_OPS.has(op)) return false;
  const left = new Map<string, number>();
  for (const n of numbers) left.set(String(n), (left.get(String(n)) ?? 0) + 1);
  if (!wholeLiterals(parsed.expr)) return false;
  for (const v of numberLeaves(parsed.expr)) {
    if (!isInteger(v)) return false;
    const key = v.num.toString();
    const n = left.get(key) ?? 0;
    if (n === 0) return false; // a number not given, or given fewer times than used
    left.set(key, n - 1);
  }
  const value = evaluate(parsed.expr);
  return value !== null && eq(value, rat(target));
}

/** Whether every number is written as a whole number ("5", not "5.0" or ".5"). */
function wholeLiterals(e: Expr): boolean {
  if (e.type === 'num') return /^\d+$/.test(e.text);
  if (e.type === 'neg') return wholeLiterals(e.arg);
  return wholeLiterals(e.left) && wholeLiterals(e.right);
}

function metaOf(item: PuzzleItem): { numbers: number[]; target: number } | null {
  const m = item.meta as JsonObject;
  const numbers = m.numbers;
  const target = m.target;
  if (!Array.isArray(numbers) || typeof target !== 'number') return null;
  return { numbers: numbers.filter((n): n is number => typeof n === 'number'), target };
}

export const countdown: PuzzleFamily = {
  name: 'countdown',
  description: 'Reach a target number from given numbers with + - * / (each number at most once)',
  generate(rng, difficulty) {
    const k = KNOBS[level(difficulty)];
    let numbers = pool(rng, k);
    let found: Node | null = null;
    for (let attempt = 0; attempt < 200 && found === null; attempt++) {
      if (attempt % 20 === 19) numbers = pool(rng, k); // some pools admit few targets
      found = build(rng, k, numbers);
    }
    // Fallback (not seen in tests, kept so generation never fails): the two largest numbers' sum.
    if (found === null) {
      const sorted = [...numbers].sort((a, b) => b - a);
      found = combine(leaf(sorted[0]), leaf(sorted[1]), '+') as Node;
    }
    const list = numbers.join(', ');
    return {
      question:
        `Using the numbers [${list}], write an arithmetic expression that equals ${found.value}. ` +
        'You may use +, -, *, / and parentheses. Each number may be used at most once, and you do not ' +
        'have to use all of them. Give only the expression as the answer, for example (1 + 2) * 3.',
      answer: printExpression(found.expr),
      meta: { numbers, target: found.value },
    };
  },
  check(item, answer) {
    const m = metaOf(item);
    return m !== null && checkCountdown(answer, m.numbers, m.target);
  },
};
