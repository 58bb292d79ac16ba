// Sokoban items in the global protocol (the whole plan in one answer), from the board's text or from
// its frame. Compact prompts, so that a `tiny` context holds prompt, frame and answer: the board in
// the suite's one notation with its legend, and nothing the board does not need.
//
// The trace a warm start learns: the positions read off the board in <think> (the perception step a
// frame needs), then the solver's optimal plan. Text and frame items share that format, so what RL on
// text teaches about planning from positions is what a frame item uses after reading them. Two
// perception views of the same frames: `locate` (the positions line) and `transcribe` (the whole
// board as the text prompt shows it). The same levels started a few pushes before the goal, a reverse
// curriculum, are in ./sokoban-curriculum.ts.
import { makeRng } from '../../envs/core/rng.js';
import { generateLevel, moveSokoban, toBoxoban, type SokobanLevel } from '../../envs/sokoban/index.js';
import { TARGET } from '../../envs/sokoban/types.js';
import { rewardResult, sokobanReward } from '../../envs/rewards/index.js';
import { contentKey, itemTask } from './items.js';
import type { ItemTask, PromptItem } from './types.js';
// The prompts live with the agents that use them at evaluation time (agent/agents/prompts/sokoban.ts).
import { sokobanBoardText, sokobanImagePrompt, sokobanLocatePrompt, sokobanTextPrompt, sokobanTranscribePrompt } from '../../agent/agents/index.js';

export interface SokobanSize {
  rows: number;
  cols: number;
  boxes: number;
  minLength: number;
  maxLength: number;
}

/** The board sizes the stages and the evaluation use (the first two of MageBench-like difficulty). */
export const SOKOBAN_SIZES = {
  '6x6-1': { rows: 6, cols: 6, boxes: 1, minLength: 2, maxLength: 8 },
  '7x7-1': { rows: 7, cols: 7, boxes: 1, minLength: 4, maxLength: 14 },
  '7x7-2': { rows: 7, cols: 7, boxes: 2, minLength: 6, maxLength: 20 },
} as const satisfies Record<string, SokobanSize>;
export type SokobanSizeName = keyof typeof SOKOBAN_SIZES;

const TITLE = ['Noop', 'Up', 'Down', 'Left', 'Right'] as const;
const cells = (xs: readonly (readonly [number, number])[]) => xs.map(([r, c]) => `${r},${c}`).join(' ');

/** The positions line of a trace: `@ 2,3 $ 3,3 . 4,3` (you, boxes, targets; row,column). */
export function positionsLine(level: SokobanLevel): string {
  const targets: [number, number][] = [];
  level.fixed.forEach((row, r) => row.forEach((v, c) => v === TARGET && targets.push([r, c])));
  return `@ ${cells([level.player])} $ ${cells(level.boxes)} . ${cells(targets)}`;
}

/**
 * What a trace's <think> holds: `positions`, the positions line alone (the model plans the whole
 * answer in its head); `pushes`, the positions line and then each run of pushes as the box's cells
 * before and after it (`push 3,3>4,3 4,2>4,4`), sub-goals written as positions, as Searchformer
 * writes states rather than directions, so that the board's state is carried in the text.
 */
export type SokobanFormat = 'positions' | 'pushes';
export const SOKOBAN_FORMATS: readonly SokobanFormat[] = ['positions', 'pushes'];

/**
 * The trace of a plan item. With `readFirst` (frames only), <think> starts with the board written
 * out as the text prompt shows it, then a newline: the frame is read into text before anything is
 * planned from it, so planning from frames continues as planning from text does.
 */
export function sokobanTrace(level: SokobanLevel, plan: readonly number[], format: SokobanFormat = 'positions', readFirst = false): string {
  const positions = format === 'pushes' ? `${positionsLine(level)} push ${pushRuns(level, plan).join(' ')}` : positionsLine(level);
  const think = readFirst ? `${sokobanBoardText(level)}\n${positions}` : positions;
  return `<think>${think}</think><answer>${plan.map((m) => TITLE[m]).join(', ')}</answer>`;
}

/** The plan's pushes as runs `r,c>r',c'`: one box pushed the same way move after move is one run. */
export function pushRuns(level: SokobanLevel, plan: readonly number[]): string[] {
  const runs: { box: number; dir: number; from: string; to: string; lastMove: number }[] = [];
  let state = level;
  plan.forEach((move, i) => {
    const r = moveSokoban(state, move);
    if (r.pushed) {
      const box = r.state.boxes.findIndex((b, k) => b[0] !== state.boxes[k][0] || b[1] !== state.boxes[k][1]);
      const to = `${r.state.boxes[box][0]},${r.state.boxes[box][1]}`;
      const last = runs[runs.length - 1];
      if (last && last.box === box && last.dir === move && last.lastMove === i - 1) Object.assign(last, { to, lastMove: i });
      else runs.push({ box, dir: move, from: `${state.boxes[box][0]},${state.boxes[box][1]}`, to, lastMove: i });
    }
    state = r.state;
  });
  return runs.map((r) => `${r.from}>${r.to}`);
}

export interface SokobanLevelItem {
  level: SokobanLevel;
  plan: number[];
  optimalReturn: number;
  boxoban: string;
}

/** Level `index` of `seed` at a size: the same level wherever it is asked for. */
export function sokobanLevel(size: SokobanSizeName, seed: number, index: number): SokobanLevelItem {
  const g = generateLevel(makeRng(`train/sokoban/${size}/${seed}/${index}`), { ...SOKOBAN_SIZES[size], maxStates: 20_000, attempts: 20 });
  return { level: g.level, plan: g.solution.plan, optimalReturn: g.solution.return, boxoban: toBoxoban(g.level) };
}

export type SokobanView = 'text' | 'image' | 'locate' | 'transcribe';

/** The answer block of a response, or undefined when there is none. */
const answerBlock = (response: string): string | undefined => /<answer>([\s\S]*?)<\/answer>/.exec(response)?.[1];

/** A board as graded: blank lines around it and spaces at line ends do not count. */
const boardLines = (text: string): string => text.trim().split(/\r?\n/).map((line) => line.trimEnd()).join('\n');

/**
 * Plan items write `positions` traces unless their name ends in `-pushes` (see SokobanFormat); frame
 * items named `-read` write the board first (`sokobanTrace`'s readFirst).
 */
export function sokobanTask(size: SokobanSizeName, view: SokobanView, format: SokobanFormat = 'positions', readFirst = false): ItemTask {
  if (readFirst && view !== 'image') throw new Error(`only frame plan items read the board first, not ${view} items`);
  const task = `sokoban-${view}-${size}${readFirst ? '-read' : ''}${format === 'positions' ? '' : `-${format}`}`;
  return itemTask(task, view !== 'text', (seed, index): PromptItem => {
    const l = sokobanLevel(size, seed, index);
    const key = sokobanLevelKey(size, l);
    // Reading items: the positions, or the board exactly as the text prompt shows it (a frame's
    // reading is then checked against the string a text item gives the model, cell for cell).
    if (view === 'locate') return readingItem(task, key, sokobanLocatePrompt(l.level), positionsLine(l.level), (a) => a.trim());
    if (view === 'transcribe') return readingItem(task, key, sokobanTranscribePrompt(l.level), sokobanBoardText(l.level), boardLines);
    return sokobanPlanItem(task, key, view, l.level, l.plan, l.optimalReturn, format, readFirst);
  });
}

/**
 * The key of a generated level's items. It names the level alone: a level held out from text items
 * is held out from frames too, and from every item made from it (the curriculum's later starts).
 */
export function sokobanLevelKey(size: SokobanSizeName, l: Pick<SokobanLevelItem, 'boxoban'>): string {
  return contentKey(`sokoban-${size}`, l.boxoban);
}

/** A plan item on `level`: its text or frame prompt, the trace of `plan`, the verifier's reward. */
export function sokobanPlanItem(
  task: string,
  key: string,
  view: 'text' | 'image',
  level: SokobanLevel,
  plan: readonly number[],
  optimalReturn: number,
  format: SokobanFormat,
  readFirst: boolean,
): PromptItem {
  return {
    task,
    key,
    prompt: view === 'text' ? sokobanTextPrompt(level) : sokobanImagePrompt(level),
    trace: sokobanTrace(level, plan, format, readFirst),
    // The Sokoban verifier, with MageBench's score of the same moves (the level's optimal return known).
    reward: (response) => sokobanReward(response, level, {}, optimalReturn),
  };
}

/** A frame read back as text: right when the answer, normalised, is `want`. */
function readingItem(task: string, key: string, prompt: PromptItem['prompt'], want: string, normalise: (answer: string) => string): PromptItem {
  return {
    task,
    key,
    prompt,
    trace: `<think>read the frame</think><answer>${want}</answer>`,
    reward: (response) => {
      const got = answerBlock(response);
      const ok = got !== undefined && normalise(got) === want;
      return rewardResult({ format: 0, task: ok ? 1 : 0, success: ok });
    },
  };
}
