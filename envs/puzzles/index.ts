/**
 * Text puzzles for FRE (LMM-R1's first stage): seeded, verifiable families with difficulty 1-5.
 * Pure and browser-safe. Node-only file IO is in `jsonl-file.ts`, not exported here:
 * `readLmmR1File(path)`, `writeLmmR1File(path, items, options?)`.
 *
 * - `PUZZLE_FAMILIES`: arithmetic, countdown, linear, sequence, knights, sokoban.
 * - `makeDataset(family, { size, seed, difficulty })`: deterministic items
 *   `{ id, family, difficulty, prompt, answer, meta }` (difficulty 1-5 or a list cycled over the
 *   items; default 1..5 in turn); `makePuzzle(family, difficulty, seed, index)` builds one.
 * - `puzzleLabel(item)`: the JSON reward label naming the item (graded by its family's verifier).
 * - `verifyPuzzle(item, response)`: whether a response's final answer (last `<answer>` block, or
 *   the whole text without one; last `\boxed{}` in it) solves the item. Never throws.
 * - `toLmmR1Jsonl(items, { content, meta })` / `fromLmmR1Jsonl(text)`: LMM-R1's data format,
 *   both directions; malformed input throws `LmmR1FormatError` naming the line.
 * - The exact arithmetic underneath (`parseExpression`, `evaluateExpression`, `rationalMath`,
 *   `answersEquivalent`, `normaliseAnswer`, `extractLastBoxed`), which envs/rewards reuses.
 */
export * from './types.js';
export { SYSTEM_PROMPT, chatPrompt } from './prompt.js';
export { PUZZLE_FAMILIES, PUZZLE_DIFFICULTIES, makeDataset, makePuzzle, puzzleFamily, puzzleLabel, verifyPuzzle, type DatasetOptions } from './dataset.js';
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
