/**
 * Number sequences: give the next term. Kinds by level: arithmetic (1), geometric (2), quadratic
 * or Fibonacci-like (3), affine recurrence or tribonacci-like (4), cubic or two interleaved
 * arithmetic sequences (5). Enough terms are shown to pin the rule down for its kind.
 */
import type { Rng } from '../../core/rng.js';
import { answersEquivalent } from '../math/equivalence.js';
import { isPlainNumber } from '../math/number-answer.js';
import type { PuzzleFamily } from '../types.js';
import { level } from './level.js';

type Kind = 'arithmetic' | 'geometric' | 'quadratic' | 'fibonacci' | 'affine' | 'tribonacci' | 'cubic' | 'interleaved';

const KINDS: Record<1 | 2 | 3 | 4 | 5, Kind[]> = {
  1: ['arithmetic'],
  2: ['geometric', 'arithmetic'],
  3: ['quadratic', 'fibonacci'],
  4: ['affine', 'tribonacci'],
  5: ['cubic', 'interleaved'],
};

const nonZero = (rng: Rng, lo: number, hi: number) => {
  const v = rng.range(lo, hi - 1);
  return v >= 0 ? v + 1 : v;
};

/** `shown` terms followed by the answer term, of the given kind. */
function terms(rng: Rng, kind: Kind, shown: number): number[] {
  const n = shown + 1;
  const seq: number[] = [];
  switch (kind) {
    case 'arithmetic': {
      const [a, d] = [rng.range(-50, 50), nonZero(rng, -15, 15)];
      for (let i = 0; i < n; i++) seq.push(a + d * i);
      break;
    }
    case 'geometric': {
      const [a, r] = [rng.range(1, 15) * rng.pick([1, -1]), rng.pick([2, 3, 4, 5, -2, -3])];
      for (let i = 0; i < n; i++) seq.push(a * r ** i);
      break;
    }
    case 'quadratic': {
      const [a, b, c] = [nonZero(rng, -3, 3), rng.range(-6, 6), rng.range(-10, 10)];
      for (let i = 1; i <= n; i++) seq.push(a * i * i + b * i + c);
      break;
    }
    case 'cubic': {
      const [a, b, c, d] = [nonZero(rng, -2, 2), rng.range(-4, 4), rng.range(-6, 6), rng.range(-10, 10)];
      for (let i = 1; i <= n; i++) seq.push(a * i ** 3 + b * i * i + c * i + d);
      break;
    }
    case 'fibonacci': {
      seq.push(rng.range(1, 20), rng.range(1, 20));
      while (seq.length < n) seq.push(seq[seq.length - 1] + seq[seq.length - 2]);
      break;
    }
    case 'tribonacci': {
      seq.push(rng.range(0, 9), rng.range(1, 9), rng.range(1, 9));
      while (seq.length < n) seq.push(seq[seq.length - 1] + seq[seq.length - 2] + seq[seq.length - 3]);
      break;
    }
    case 'affine': {
      // a(k+1) = p a(k) + q
      const [p, q] = [rng.pick([2, 3, -2]), nonZero(rng, -9, 9)];
      seq.push(rng.range(1, 12));
      while (seq.length < n) seq.push(p * seq[seq.length - 1] + q);
      break;
    }
    case 'interleaved': {
      const [a, d, b, e] = [rng.range(1, 20), nonZero(rng, -5, 7), rng.range(1, 20), nonZero(rng, -5, 7)];
      for (let i = 0; i < n; i++) seq.push(i % 2 === 0 ? a + d * (i / 2) : b + e * ((i - 1) / 2));
      break;
    }
  }
  return seq;
}

/** Terms shown: enough to determine the rule of each kind (and a little more at lower levels). */
const SHOWN: Record<Kind, number> = {
  arithmetic: 5, geometric: 5, quadratic: 6, fibonacci: 6, affine: 6, tribonacci: 7, cubic: 7, interleaved: 8,
};

export const sequence: PuzzleFamily = {
  name: 'sequence',
  description: 'Give the next term of a number sequence (arithmetic, geometric, polynomial, recurrences)',
  generate(rng, difficulty) {
    const kind = rng.pick(KINDS[level(difficulty)]);
    const seq = terms(rng, kind, SHOWN[kind]);
    const shown = seq.slice(0, -1);
    return {
      question: `What is the next term of the sequence ${shown.join(', ')}, ...? Give the next term as a number.`,
      answer: String(seq[seq.length - 1]),
      meta: { kind, terms: shown },
    };
  },
  check: (item, answer) => isPlainNumber(answer) && answersEquivalent(answer, item.answer),
};
