/**
 * The Football prompts, in one place for training (its Football task in training/tasks/football/
 * builds its items and episodes on them) and for agents that play the env (the TinyLMM agent). A
 * trained checkpoint depends on these strings and frames byte for byte
 * (tests/training/tasks/football/football-prompt.test.ts pins them): change them only together
 * with a new checkpoint.
 *
 * Compact prompts, so that a `tiny` context (512 tokens, one 110-token image) holds the frame, the
 * task line, a window of past turns and an answer.
 *
 * - The frame is cropped to the attacking half: a 160x160 square from column 152 (pitch x from
 *   -0.06 to past the goal net), which the model reads at its own resolution, 10x10 patches of 16 px
 *   (the whole 320x160 frame would be shrunk to 10x5). Measured when the model read a 56x56 square:
 *   on 168 drill frames the brightest yellow pixel after preprocessing landed 0.016 pitch units from
 *   the controlled player in the crop against 0.035 in the whole frame, with more contrast (0.19
 *   against 0.15 over the next-yellowest spot). Every drill starts at x >= -0.02, so the fixed
 *   window holds the play; if the player or the ball goes further back, the window slides left to
 *   keep them in view. (A 168x160 window from column 144, to keep the run-to-score chasers in view at
 *   kick-off, measured 0.024 units.)
 * - Actions offered: 7 for the drills (right, the two forward diagonals, top, bottom, sprint,
 *   shot). The drills have no teammate to pass to (only our keeper), no opponent ahead to dribble
 *   past, and the scripted attacker plays only right, sprint and shot in them; the 16 MageBench names
 *   would cost 160 of the 512 tokens. Other scenarios offer the 16. The env accepts all 19 whatever
 *   the list says, and an unknown word plays idle, never throws.
 */
import type { ChatMessage, RGBAImage } from '../../model/index.js';
import type { Observation } from '../../../envs/core/types.js';
import { PROMPT_ACTIONS } from '../../../envs/football/actions.js';
import { FRAME_HEIGHT, FRAME_WIDTH } from '../../../envs/football/render.js';
import type { ScenarioId } from '../../../envs/football/types.js';

/**
 * The drills: scenarios whose prompt offers the 7 drill actions, with training's turns per episode
 * (the env's max_steps, in decisions; training/tasks/football/task.ts gives other scenarios DEFAULT_TURNS).
 */
export const FOOTBALL_DRILLS: Readonly<Partial<Record<ScenarioId, { turns: number }>>> = {
  // The scripted attacker scores from the first turn here (a shot).
  'empty-goal-close': { turns: 4 },
  // From halfway: right x5 then a shot scores 45% of the time in 6 turns (sprint first: 41%;
  // 8 turns: 95%), so the cap leaves room between a poor and a good policy.
  'empty-goal': { turns: 6 },
  'run-to-score': { turns: 6 },
};
/** Past turns shown in a turn's prompt. */
export const DEFAULT_WINDOW = 2;

const DRILL_ACTIONS = ['right', 'top_right', 'bottom_right', 'top', 'bottom', 'sprint', 'shot'] as const;

/** The actions a turn prompt offers for a scenario. */
export function offeredActions(scenario: ScenarioId): readonly string[] {
  return scenario in FOOTBALL_DRILLS ? DRILL_ACTIONS : PROMPT_ACTIONS;
}

// --- the raw state, as envs/football/json.ts writes it (only the fields read here) ---

export interface RawPlayer {
  x: number;
  y: number;
  role: string;
}

export interface FootballRaw {
  scenario: ScenarioId;
  /** Decisions played so far, and left before the env's max_steps. */
  step: number;
  steps_left: number;
  active: number;
  ball: { x: number; y: number; z: number };
  ball_owner: number;
  left_team: RawPlayer[];
  right_team: RawPlayer[];
  sticky: { direction: string | null; sprint: boolean; dribble: boolean };
}

export function rawOf(observation: Observation): FootballRaw {
  // Plain JSON written by envs/football/json.ts; `FootballRaw` names the fields read here.
  return observation.state as unknown as FootballRaw;
}

// --- the view: the attacking half of the frame ---

/** Pixels per pitch unit and the pitch's left edge on the frame (envs/football/render.ts). */
const PX_PER_UNIT = 144;
const PITCH_LEFT_PX = 16;
export const VIEW_SIZE = FRAME_HEIGHT;
/** Column where the fixed view starts: pitch x = -0.06, so the view ends past the goal net. */
export const VIEW_LEFT = 152;
/** Pixels kept left of the rearmost of player and ball (a player's disc has radius 4). */
const SLIDE_MARGIN = 5;

/** The frame column of pitch x. */
export const columnOf = (x: number) => Math.round(PITCH_LEFT_PX + (x + 1) * PX_PER_UNIT);

/** The view's first column for a state: VIEW_LEFT, or further left to keep player and ball in. */
export function viewLeft(raw: FootballRaw): number {
  const me = raw.left_team[raw.active];
  const back = columnOf(Math.min(me.x, raw.ball.x)) - SLIDE_MARGIN;
  return Math.max(0, Math.min(VIEW_LEFT, back, FRAME_WIDTH - VIEW_SIZE));
}

/** The VIEW_SIZE square of the frame starting at `left`. */
export function cropFrame(frame: RGBAImage, left: number): RGBAImage {
  const w = VIEW_SIZE;
  const h = Math.min(VIEW_SIZE, frame.height);
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    const from = (y * frame.width + left) * 4;
    out.set(frame.data.subarray(from, from + w * 4), y * w * 4);
  }
  return { width: w, height: h, data: out };
}

export function footballView(observation: Observation): RGBAImage {
  return cropFrame(observation.image, viewLeft(rawOf(observation)));
}

// --- the turn prompt ---

/** A past turn as the window shows it: the action the env played (or `invalid`) and its reward. */
export interface TurnNote {
  action: string;
  reward: number;
}

const signed = (v: number) => `${v < 0 ? '-' : '+'}${Math.abs(v).toFixed(2)}`;

/**
 * The prompt of turn `turn` (1-based) of `turns`: the view, the task line and the last `window`
 * turns, e.g. `turn 1: right -> +0.08`. The env's feedback lives only here, in the prompt.
 */
export function footballTurnPrompt(
  view: RGBAImage,
  scenario: ScenarioId,
  turn: number,
  turns: number,
  history: readonly TurnNote[],
  window = DEFAULT_WINDOW,
): ChatMessage[] {
  const from = Math.max(0, history.length - window);
  const past = history.slice(from).map((h, i) => `\nturn ${from + i + 1}: ${h.action} -> ${signed(h.reward)}`);
  const text = `Football: you are yellow, score in the goal on the right. Turn ${turn}/${turns}. Actions: ${offeredActions(scenario).join(', ')}.${past.join('')}`;
  return [{ role: 'user', content: [{ type: 'image', image: view }, { type: 'text', text }] }];
}

/** The locate question on a view. */
export function footballLocatePrompt(view: RGBAImage): ChatMessage[] {
  const text = 'Football: where are you (yellow), the ball and the nearest red player? Answer me x,y ball x,y opp x,y or none.';
  return [{ role: 'user', content: [{ type: 'image', image: view }, { type: 'text', text }] }];
}

/** How a step reads in the window: the first action the env parsed from the answer, or `invalid`. */
export function noteOf(info: Readonly<Record<string, unknown>>, reward: number): TurnNote {
  const parsed = info.parsed_actions;
  const first = Array.isArray(parsed) && typeof parsed[0] === 'string' ? parsed[0] : null;
  return { action: info.played_idle || !first ? 'invalid' : first, reward };
}

/**
 * The turn prompt of an env's observation, for an agent: the scenario, the turn and the turn limit
 * read from the raw state (`step` decisions played of `step + steps_left`), which is what training
 * passes to footballTurnPrompt for its episodes (turn `t` of an env with max_steps `turns`).
 */
export function footballTurnPromptOf(observation: Observation, history: readonly TurnNote[], window = DEFAULT_WINDOW): ChatMessage[] {
  const raw = rawOf(observation);
  return footballTurnPrompt(footballView(observation), raw.scenario, raw.step + 1, raw.step + raw.steps_left, history, window);
}

