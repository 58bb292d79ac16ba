// Text puzzles for the warm start and FRE, with compact prompts (a `tiny` context is 512 tokens: the
// families' full prompts run to 650) and solver-written traces: the arithmetic worked step by step,
// innermost operation first, as `6 + 4 = 10, 10 * 5 = 50`. Graded by the family's own verifier
// through the rule-based reward (format 0.5 + accuracy 1).
import type { ChatMessage } from '../../agent/model/index.js';
import { makePuzzle, parseExpression, evaluateExpression as evaluate, rationalMath, type PuzzleItem as Puzzle } from '../../envs/puzzles/index.js';
import type { Expr } from '../../envs/puzzles/math/expr.js';
import { rewardForItem } from '../../envs/rewards/index.js';
import { contentKey, itemTask } from './items.js';
import type { ItemTask, PromptItem } from './types.js';

/** The worked steps of an expression, innermost first: `a op b = v`, one a binary operation. */
export function workedSteps(expression: string): string[] {
  const parsed = parseExpression(expression);
  if (!parsed.ok) return [];
  const steps: string[] = [];
  const walk = (e: Expr): string => {
    if (e.type === 'num') return e.text.replace(/^\((.*)\)$/, '$1');
    if (e.type === 'neg') {
      const v = evaluate(e);
      return v ? rationalMath.toString(v) : '?';
    }
    const a = walk(e.left);
    const b = walk(e.right);
    const v = evaluate(e);
    const out = v ? rationalMath.toString(v) : '?';
    steps.push(`${a} ${e.op} ${b} = ${out}`);
    return out;
  };
  walk(parsed.expr);
  return steps;
}

interface Family {
  /** A compact question from the family's item. */
  question(p: Puzzle): string;
  /** The worked reasoning of the gold answer. */
  think(p: Puzzle): string;
}

const FAMILIES: Record<string, Family> = {
  countdown: {
    question: (p) => `Countdown. Reach ${String(p.meta.target)} with ${(p.meta.numbers as number[]).join(', ')}. Use + - * / and each number at most once.`,
    think: (p) => workedSteps(p.answer).join(', '),
  },
  arithmetic: {
    question: (p) => `Calculate ${String(p.meta.expression)}.`,
    think: (p) => workedSteps(String(p.meta.expression)).join(', '),
  },
};

export const PUZZLE_TASK_FAMILIES = Object.keys(FAMILIES);

/** `family-d<difficulty>` items with compact prompts and worked traces. */
export function puzzleTask(family: string, difficulty: number): ItemTask {
  const f = FAMILIES[family];
  if (!f) throw new Error(`no compact prompt for puzzle family "${family}" (have ${PUZZLE_TASK_FAMILIES.join(', ')})`);
  const task = `${family}-d${difficulty}`;
  return itemTask(task, false, (seed, index): PromptItem => {
    const p = makePuzzle(family, difficulty, seed, index);
    const question = f.question(p);
    const prompt: ChatMessage[] = [{ role: 'user', content: question }];
    return {
      task,
      key: contentKey(family, question),
      prompt,
      trace: `<think>${f.think(p)}</think><answer>${p.answer}</answer>`,
      reward: (response) => rewardForItem(p, response),
    };
  });
}
