/**
 * Text puzzles for FRE (LMM-R1's first stage): seeded, verifiable families with difficulty 1-5.
 * Pure and browser-safe; file IO for JSONL lives in `jsonl-file.ts` (Node only, not exported here).
 *
 * - `PUZZLE_FAMILIES`: arithmetic, countdown, linear, sequence, knights, sokoban.
 * - `makeDataset(family, { size, seed, difficulty })`: deterministic items
 *   `{ id, family, difficulty, prompt, answer, meta }`; `makePuzzle` builds one.
 * - `verifyPuzzle(item, response)`: whether a response's final answer solves the item.
 * - `toLmmR1Jsonl(items)` / `fromLmmR1Jsonl(text)`: LMM-R1's data format, both directions.
 * - The exact arithmetic underneath (`parseExpression`, `evaluate`, rationals, `answersEquivalent`,
 *   `normaliseAnswer`, `extractLastBoxed`), which training/rewards reuses.
 */
export * from './types.js';
export { SYSTEM_PROMPT, chatPrompt } from './prompt.js';
export { PUZZLE_FAMILIES, PUZZLE_DIFFICULTIES, makeDataset, makePuzzle, puzzleFamily, verifyPuzzle, type DatasetOptions } from './dataset.js';
export { finalAnswer as finalAnswerText } from './answer-text.js';
export { lastTagBlock, countOccurrences } from './tags.js';
export * from './lmmr1.js';
export { checkCountdown } from './families/countdown.js';
export { solveKnights, parseRoles, type KnightsStatement, type KnightsStatementKind } from './families/knights.js';
export { parseDirectionList, TEXT_SOKOBAN_MAX_MOVES } from './families/sokoban-text.js';
// Renamed where a bare name (evaluate, Expr) could clash with another module in envs/browser.ts.
export {
  parseExpression,
  evaluate as evaluateExpression,
  evaluateText as evaluateExpressionText,
  printExpression,
  numberLeaves,
  operatorsUsed,
  MAX_EXPRESSION_LENGTH,
  type Expr as MathExpr,
  type BinaryOp as MathBinaryOp,
  type ParseResult as ExpressionParseResult,
} from './math/expr.js';
export { answersEquivalent, splitTopLevel, stripOuterBrackets } from './math/equivalence.js';
export { normaliseAnswer, extractLastBoxed } from './math/latex.js';
export { isPlainNumber } from './math/number-answer.js';
export * as rationalMath from './math/rational.js';
export type { Rational } from './math/rational.js';
