/**
 * Linear equations: one unknown (levels 1-3, the last with fractional solutions) or a small system
 * with a unique integer solution (2x2 at level 4, 3x3 at level 5). Built from the solution, so the
 * gold answer is exact; systems are kept only when their determinant is non-zero.
 */
import type { Rng } from '../../core/rng.js';
import { answersEquivalent, splitTopLevel, stripOuterBrackets } from '../math/equivalence.js';
import { normaliseAnswer } from '../math/latex.js';
import { isPlainNumber } from '../math/number-answer.js';
import { rat, toString } from '../math/rational.js';
import type { Generated, PuzzleFamily } from '../types.js';
import { level } from './level.js';

const VARS = ['x', 'y', 'z'];

/** "3x - y + 2z" from coefficients; zero terms dropped, unit coefficients implicit. */
export function formatLinear(coeffs: readonly number[], vars: readonly string[], constant = 0): string {
  const terms: string[] = [];
  coeffs.forEach((c, i) => {
    if (c === 0) return;
    const mag = Math.abs(c) === 1 ? '' : String(Math.abs(c));
    terms.push(`${c < 0 ? '-' : '+'}${mag}${vars[i]}`);
  });
  if (constant !== 0 || terms.length === 0) terms.push(`${constant < 0 ? '-' : '+'}${Math.abs(constant)}`);
  return terms
    .map((t, i) => (i === 0 ? (t[0] === '-' ? `-${t.slice(1)}` : t.slice(1)) : `${t[0]} ${t.slice(1)}`))
    .join(' ');
}

const nonZero = (rng: Rng, lo: number, hi: number) => {
  const v = rng.range(lo, hi - 1);
  return v >= 0 ? v + 1 : v; // uniform over [lo, hi] without 0
};

function det(m: number[][]): number {
  if (m.length === 2) return m[0][0] * m[1][1] - m[0][1] * m[1][0];
  return (
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
  );
}

function single(rng: Rng, d: 1 | 2 | 3): Generated {
  let eq: string;
  let x;
  if (d === 1) {
    // a x + b = c
    const a = nonZero(rng, -9, 9);
    const xv = rng.range(-10, 10);
    const b = rng.range(-20, 20);
    eq = `${formatLinear([a], ['x'], b)} = ${a * xv + b}`;
    x = rat(xv);
  } else {
    // a x + b = c x + e; level 2 picks e for an integer solution, level 3 leaves it a fraction.
    const a = nonZero(rng, -12, 12);
    let c = nonZero(rng, -12, 12);
    if (c === a) c = a + 1 === 0 ? a + 2 : a + 1;
    const b = rng.range(-30, 30);
    const e = d === 2 ? (a - c) * rng.range(-10, 10) + b : rng.range(-30, 30);
    eq = `${formatLinear([a], ['x'], b)} = ${formatLinear([c], ['x'], e)}`;
    x = rat(e - b, a - c);
  }
  return {
    question: `Solve for x: ${eq}. Give x as an integer or a fraction in lowest terms.`,
    answer: toString(x),
    meta: { equations: [eq], variables: ['x'] },
  };
}

function system(rng: Rng, n: 2 | 3): Generated {
  const vars = VARS.slice(0, n);
  const sol = vars.map(() => rng.range(-9, 9));
  // Random coefficients until the determinant is non-zero (almost always the first try); the
  // identity matrix stands in should every try be singular, so generation cannot fail.
  let m: number[][] = vars.map((_, i) => vars.map((__, j) => (i === j ? 1 : 0)));
  for (let attempt = 0; attempt < 100; attempt++) {
    const candidate = vars.map(() => vars.map(() => rng.range(-6, 6)));
    if (det(candidate) !== 0) {
      m = candidate;
      break;
    }
  }
  const eqs = m.map((row) => `${formatLinear(row, vars)} = ${row.reduce((s, c, j) => s + c * sol[j], 0)}`);
  return {
    question:
      `Solve the system of equations:\n${eqs.join('\n')}\n` +
      `Give the answer as ${vars.map((v) => `${v}=...`).join(', ')}.`,
    answer: vars.map((v, i) => `${v}=${sol[i]}`).join(', '),
    meta: { equations: eqs, variables: vars },
  };
}

export const linear: PuzzleFamily = {
  name: 'linear',
  description: 'Solve a linear equation in x, or a small linear system (unique solution)',
  generate(rng, difficulty) {
    const d = level(difficulty);
    return d <= 3 ? single(rng, d as 1 | 2 | 3) : system(rng, d === 4 ? 2 : 3);
  },
  check(item, answer) {
    // Each value must be a number, not an expression (that could restate an equation). The
    // equivalence check runs first: it rejects a wrong number of values before any parsing.
    if (!answersEquivalent(answer, item.answer)) return false;
    const values = splitTopLevel(stripOuterBrackets(normaliseAnswer(answer))).map((p) => p.replace(/^[a-zA-Z]=/, ''));
    return values.every(isPlainNumber);
  },
};
