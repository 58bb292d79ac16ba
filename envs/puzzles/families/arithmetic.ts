/**
 * Arithmetic: evaluate an expression exactly. Knobs per difficulty: number of terms, operators,
 * operand size, negative and fractional operands, small powers. Gold: an integer or a reduced
 * fraction.
 */
import type { Rng } from '../../core/rng.js';
import { evaluate, printExpression, type BinaryOp, type Expr } from '../math/expr.js';
import { isPlainNumber } from '../math/number-answer.js';
import { answersEquivalent } from '../math/equivalence.js';
import { neg, rat, toString, type Rational } from '../math/rational.js';
import type { PuzzleFamily } from '../types.js';
import { level } from './level.js';

interface Knobs {
  terms: [number, number];
  ops: BinaryOp[];
  max: number;
  negatives: boolean;
  fractions: boolean;
  powers: boolean;
}

const KNOBS: Record<1 | 2 | 3 | 4 | 5, Knobs> = {
  1: { terms: [2, 2], ops: ['+', '-'], max: 20, negatives: false, fractions: false, powers: false },
  2: { terms: [3, 3], ops: ['+', '-', '*'], max: 30, negatives: false, fractions: false, powers: false },
  3: { terms: [3, 4], ops: ['+', '-', '*', '/'], max: 20, negatives: true, fractions: false, powers: false },
  4: { terms: [4, 4], ops: ['+', '-', '*', '/'], max: 20, negatives: true, fractions: true, powers: false },
  5: { terms: [5, 6], ops: ['+', '-', '*', '/'], max: 50, negatives: true, fractions: true, powers: true },
};

const num = (n: number): Expr => ({ type: 'num', value: rat(n), text: String(n) });

function operand(rng: Rng, k: Knobs): Expr {
  let e: Expr = num(rng.range(1, k.max));
  if (k.fractions && rng.next() < 0.3) {
    // A fraction operand, written as a bracketed division by a small denominator.
    e = { type: 'bin', op: '/', left: num(rng.range(1, 9)), right: num(rng.range(2, 9)) };
  } else if (k.powers && rng.next() < 0.15) {
    e = { type: 'bin', op: '^', left: num(rng.range(2, 9)), right: num(rng.range(2, 3)) };
  }
  if (!k.negatives || rng.next() >= 0.25) return e;
  // A negative whole number reads best bracketed, "3 * (-4)"; the tree keeps it one literal.
  return e.type === 'num'
    ? { type: 'num', value: neg(e.value), text: `(-${e.text})` }
    : { type: 'neg', arg: e };
}

/** A random binary tree over `terms` operands. */
function tree(rng: Rng, k: Knobs, terms: number): Expr {
  if (terms === 1) return operand(rng, k);
  const leftTerms = rng.range(1, terms - 1);
  return { type: 'bin', op: rng.pick(k.ops), left: tree(rng, k, leftTerms), right: tree(rng, k, terms - leftTerms) };
}

/** Results stay readable: small enough numerators and denominators. */
function acceptable(v: Rational | null): v is Rational {
  if (v === null) return false;
  const n = v.num < 0n ? -v.num : v.num;
  return n <= 1_000_000n && v.den <= 1000n;
}

export const arithmetic: PuzzleFamily = {
  name: 'arithmetic',
  description: 'Evaluate an arithmetic expression exactly (integer or reduced-fraction result)',
  generate(rng, difficulty) {
    const k = KNOBS[level(difficulty)];
    let expr: Expr = num(1);
    let value: Rational = rat(1);
    // Bounded retries on the item's own stream (deterministic); the fallback is a plain sum.
    for (let attempt = 0; attempt < 100; attempt++) {
      const e = tree(rng, k, rng.range(k.terms[0], k.terms[1]));
      const v = evaluate(e);
      if (acceptable(v)) {
        [expr, value] = [e, v];
        break;
      }
      expr = { type: 'bin', op: '+', left: num(attempt + 1), right: num(2) };
      value = rat(attempt + 3);
    }
    const text = printExpression(expr);
    return {
      question:
        `Calculate the exact value of ${text}. Give the result as an integer or as a fraction ` +
        'in lowest terms (for example 7 or -3/4).',
      answer: toString(value),
      meta: { expression: text },
    };
  },
  check: (item, answer) => isPlainNumber(answer) && answersEquivalent(answer, item.answer),
};
