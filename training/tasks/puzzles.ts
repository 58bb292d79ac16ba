// Text puzzles for the warm start and FRE, with compact prompts (a `tiny` context is 512 tokens: the
// families' full prompts run to 650) and solver-written traces. Graded by the family's own verifier
// through the rule-based reward (format 0.5 + accuracy 1).
//
// Two traces a family: its default, and `worked` (the gold answer's arithmetic worked step by step,
// innermost operation first, as `6 + 4 = 10, 10 * 5 = 50`), kept under the task name
// `<family>-worked-d<n>` so that warm starts on the two can be compared. Countdown's default with
// three numbers is a backward search from the target (`countdownSearch`): a trace that shows how a
// solution is found rather than only the solution. Arithmetic's default over whole numbers and
// + - * (d1, d2 and the items of d3 up without division) is a reversed-digit scratchpad
// (`arithmeticScratchpad`). The countdown-d1 and arithmetic-d2 traces fit the evaluation's 96-token
// answer budget (the tests hold the longest of 2000 items to it).
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

/** A whole number with its digits reversed, ones first, sign in front: -497 is `-794`. */
export function reversedDigits(n: bigint): string {
  const digits = (n < 0n ? -n : n).toString().split('').reverse().join('');
  return n < 0n ? `-${digits}` : digits;
}

/**
 * The scratchpad of a whole-number expression over + - *: one line a binary operation, innermost
 * first, every number written ones digit first (`reversedDigits`), so that each digit of a sum,
 * difference or product follows from digits already written and the carry, as a left-to-right
 * model writes them (small transformers learn reversed-digit arithmetic far more readily than the
 * usual order). A product whose shorter factor has more than one digit is written as its partial
 * products, one a digit of that factor, ones first, each shifted by its place (the leading zeros
 * of the reversed form), then their sum: `42*22=84+084=825` for 24 * 22 = 528. A negative result
 * carries its sign: `32-025=-794` for 23 - 520 = -497. Null for an expression the scratchpad does
 * not write (division, powers, fractions): those keep the worked steps.
 */
export function arithmeticScratchpad(expression: string): string[] | null {
  const parsed = parseExpression(expression);
  if (!parsed.ok) return null;
  const lines: string[] = [];
  const abs = (n: bigint) => (n < 0n ? -n : n);
  const walk = (e: Expr): bigint | null => {
    if (e.type === 'num') return e.value.den === 1n ? e.value.num : null;
    if (e.type === 'neg') {
      const v = walk(e.arg);
      return v === null ? null : -v;
    }
    if (e.op !== '+' && e.op !== '-' && e.op !== '*') return null;
    const a = walk(e.left);
    const b = walk(e.right);
    if (a === null || b === null) return null;
    const v = e.op === '+' ? a + b : e.op === '-' ? a - b : a * b;
    let line = `${reversedDigits(a)}${e.op}${reversedDigits(b)}=`;
    if (e.op === '*') {
      // The factor with fewer digits is the multiplier (the right one on a tie).
      const [times, by] = abs(a).toString().length < abs(b).toString().length ? [abs(b), abs(a)] : [abs(a), abs(b)];
      const digits = by.toString().split('').reverse().map(BigInt);
      if (digits.length > 1) line += `${digits.map((d, i) => reversedDigits(times * d * 10n ** BigInt(i))).join('+')}=`;
    }
    lines.push(line + reversedDigits(v));
    return v;
  };
  return walk(parsed.expr) === null ? null : lines;
}

export type CountdownOp = '+' | '-' | '*' | '/';

/** The operations countdown-d1 builds its targets with (the one level of three numbers). */
export const COUNTDOWN_D1_OPS: readonly CountdownOp[] = ['+', '-', '*'];

export interface CountdownSearch {
  /** One check a line, in the order made; the last is the solution's expression. */
  lines: string[];
  /** The solution, in the notation of the lines (no spaces, compound operands bracketed). */
  expression: string;
}

/** What two numbers make, in a fixed order: each alone, then each operation (whole, non-zero results). */
function pairValues(y: number, z: number, ops: readonly CountdownOp[]): { value: number; text: string }[] {
  const [hi, lo] = y >= z ? [y, z] : [z, y];
  const out = [{ value: y, text: String(y) }, { value: z, text: String(z) }];
  if (ops.includes('+')) out.push({ value: y + z, text: `(${y}+${z})` });
  if (ops.includes('-') && hi !== lo) out.push({ value: hi - lo, text: `(${hi}-${lo})` });
  if (ops.includes('*')) out.push({ value: y * z, text: `(${y}*${z})` });
  if (ops.includes('/') && lo > 1 && hi % lo === 0) out.push({ value: hi / lo, text: `(${hi}/${lo})` });
  return out;
}

/**
 * Countdown with three numbers, searched backwards from the target. A solution either is one number
 * or combines one number x with what the other two make (one of them alone included), so for each x
 * in the prompt's order the search asks, for each way x can meet a value R to give the target, for
 * that R: `x+R` (R = T-x), `x*R` (R = T/x), `R-x` (R = T+x), `x-R` (R = x-T), then with division
 * `x/R` (R = x/T) and `R/x` (R = T*x), each only where R is a positive whole number. A check is a
 * line naming the R it needs (`4+32`: 4 plus 32 makes the target, so 32 is needed from the other
 * two); the first R the other two make ends the search, written with how they make it (`4*(1+8)`),
 * so that line is the answer. Whole intermediate values suffice for a positive whole target: a
 * fraction inside a solution of three numbers can always be moved to the outer operation. Null
 * when nothing reaches the target (a positive whole number).
 */
export function countdownSearch(numbers: readonly number[], target: number, ops: readonly CountdownOp[] = COUNTDOWN_D1_OPS): CountdownSearch | null {
  if (numbers.length !== 3) throw new RangeError(`the backward search takes three numbers, got ${numbers.length}`);
  // The generator never asks for a number it gives; a target that is one is its own answer.
  if (numbers.includes(target)) return { lines: [String(target)], expression: String(target) };
  const T = target;
  const lines: string[] = [];
  for (let i = 0; i < 3; i++) {
    const x = numbers[i];
    // A number given twice meets the same two others both times: its checks are made once.
    if (numbers.indexOf(x) < i) continue;
    const [y, z] = numbers.filter((_, j) => j !== i);
    const made = pairValues(y, z, ops);
    // x = 1 needs no product or quotient check: 1*R and R/1 are R itself, found where the other two meet.
    const checks: [number, (r: string) => string][] = [];
    if (ops.includes('+') && T > x) checks.push([T - x, (r) => `${x}+${r}`]);
    if (ops.includes('*') && x > 1 && T % x === 0) checks.push([T / x, (r) => `${x}*${r}`]);
    if (ops.includes('-')) checks.push([T + x, (r) => `${r}-${x}`]);
    if (ops.includes('-') && x > T) checks.push([x - T, (r) => `${x}-${r}`]);
    if (ops.includes('/') && x % T === 0) checks.push([x / T, (r) => `${x}/${r}`]);
    if (ops.includes('/') && x > 1) checks.push([T * x, (r) => `${r}/${x}`]);
    for (const [need, write] of checks) {
      const hit = made.find((m) => m.value === need);
      lines.push(write(hit ? hit.text : String(need)));
      if (hit) return { lines, expression: lines[lines.length - 1] };
    }
  }
  return null;
}

/** A trace's reasoning and the answer it ends on (the gold, or another answer the verifier accepts). */
interface Trace {
  think: string;
  answer: string;
}

interface Family {
  /** A compact question from the family's item. */
  question(p: Puzzle): string;
  /** The default trace. */
  trace(p: Puzzle): Trace;
  /** The gold answer's arithmetic worked step by step (`workedSteps`). */
  worked(p: Puzzle): Trace;
}

const countdownNumbers = (p: Puzzle) => p.meta.numbers as number[];

const FAMILIES: Record<string, Family> = {
  countdown: {
    question: (p) => `Countdown. Reach ${String(p.meta.target)} with ${countdownNumbers(p).join(', ')}. Use + - * / and each number at most once.`,
    trace: (p) => {
      const numbers = countdownNumbers(p);
      const found = numbers.length === 3 ? countdownSearch(numbers, Number(p.meta.target)) : null;
      // Four numbers and more (d2 up) keep the worked trace: one number against the rest is no
      // longer the whole search there, and the checks would not fit the answer budget.
      return found ? { think: found.lines.join('\n'), answer: found.expression } : FAMILIES.countdown.worked(p);
    },
    worked: (p) => ({ think: workedSteps(p.answer).join(', '), answer: p.answer }),
  },
  arithmetic: {
    question: (p) => `Calculate ${String(p.meta.expression)}.`,
    trace: (p) => {
      const pad = arithmeticScratchpad(String(p.meta.expression));
      return pad ? { think: pad.join('\n'), answer: p.answer } : FAMILIES.arithmetic.worked(p);
    },
    worked: (p) => ({ think: workedSteps(String(p.meta.expression)).join(', '), answer: p.answer }),
  },
};

export const PUZZLE_TASK_FAMILIES = Object.keys(FAMILIES);

/** Which trace a puzzle task's items carry: the family's default, or the worked steps. */
export type PuzzleTrace = 'default' | 'worked';

/**
 * `family-d<difficulty>` items with compact prompts and the family's default trace, or with the
 * worked steps as `family-worked-d<difficulty>` (the same items and content keys: only the trace differs).
 */
export function puzzleTask(family: string, difficulty: number, trace: PuzzleTrace = 'default'): ItemTask {
  const f = FAMILIES[family];
  if (!f) throw new Error(`no compact prompt for puzzle family "${family}" (have ${PUZZLE_TASK_FAMILIES.join(', ')})`);
  const task = trace === 'worked' ? `${family}-worked-d${difficulty}` : `${family}-d${difficulty}`;
  return itemTask(task, false, (seed, index): PromptItem => {
    const p = makePuzzle(family, difficulty, seed, index);
    const question = f.question(p);
    const prompt: ChatMessage[] = [{ role: 'user', content: question }];
    const t = trace === 'worked' ? f.worked(p) : f.trace(p);
    return {
      task,
      key: contentKey(family, question),
      prompt,
      trace: `<think>${t.think}</think><answer>${t.answer}</answer>`,
      reward: (response) => rewardForItem(p, response),
    };
  });
}
