/**
 * Puzzles that ask for a number must not accept an expression restating the question ("3 + 4"
 * for "compute 3 + 4"), so their answers are read as a plain number: an integer, a decimal or a
 * fraction, with an optional sign.
 */
import { parseExpression, type Expr } from './expr.js';
import { normaliseAnswer } from './latex.js';

function isLiteral(e: Expr): boolean {
  return e.type === 'num' || (e.type === 'neg' && e.arg.type === 'num');
}

/** True for "5", "-3/4", "\frac{-3}{4}", "-\frac{3}{4}", "0.75". */
export function isPlainNumber(text: string): boolean {
  const r = parseExpression(normaliseAnswer(text));
  if (!r.ok) return false;
  const e = r.expr.type === 'neg' ? r.expr.arg : r.expr;
  if (isLiteral(e)) return true;
  return e.type === 'bin' && e.op === '/' && isLiteral(e.left) && isLiteral(e.right);
}
