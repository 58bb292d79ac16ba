// Football for the MGT stage, in MageBench's online protocol: one decision a turn from the turn's
// frame, with a bounded window of past turns as text. Compact prompts, so that a `tiny` context
// (512 tokens, one 49-token image) holds the frame, the task line, the window and an answer.
//
// - The frame is cropped to the attacking half before the model's 56x56 preprocessing: a 160x160
//   square from column 152 (pitch x from -0.06 to past the goal net), resized 2.86x on both axes,
//   where the whole 320x160 frame is squeezed 5.7x horizontally. On 168 drill frames the brightest
//   yellow pixel after preprocessing lands 0.016 pitch units from the controlled player in the crop
//   against 0.035 in the whole frame, with more contrast (0.19 against 0.15 over the next-yellowest
//   spot), and a vision patch covers 0.16 x 0.16 units instead of 0.32 x 0.16. Every drill starts
//   at x >= -0.02, so the fixed window holds the play; if the player or the ball goes further back,
//   the window slides left to keep them in view. (A 168x160 window from column 144, to keep the
//   run-to-score chasers in view at kick-off, measured 0.024 units.)
// - Drills where a tiny model can score (empty goal close / from halfway, run to score) with
//   MageBench's adaptive repeat: a movement runs up to 10 frames, so an episode needs few turns.
// - Actions offered: 7 for the drills (right, the two forward diagonals, top, bottom, sprint,
//   shot). The drills have no teammate to pass to (only our keeper), no opponent ahead to dribble
//   past, and the scripted attacker plays only right, sprint and shot in them; the 16 MageBench names
//   would cost 160 of the 512 tokens. Other scenarios offer the 16. The env accepts all 19 whatever
//   the list says, and an unknown word plays idle, never throws.
//
// Warm-start items on the same turn prompts: `football-act-*` (the scripted attacker's action after
// a reading of the frame; a shot on the last turn) and `football-locate-*` (where the player, the ball and the nearest
// opponent in view are).
import type { ChatMessage, RGBAImage } from '../../agent/index.js';
import { footballAttackerAction } from '../../agent/baselines/football-heuristic.js';
import { make, makeRng, type Env, type Observation } from '../../envs/index.js';
import { ACTIONS, PROMPT_ACTIONS, actionAliases } from '../../envs/football/actions.js';
import { FRAME_HEIGHT, FRAME_WIDTH } from '../../envs/football/render.js';
import { SCENARIOS, type ScenarioId } from '../../envs/football/types.js';
import { parseStrictFormat } from '../rewards/index.js';
import { DEFAULT_MATH_REWARD } from '../rewards/config.js';
import { contentKey } from './key.js';
import type { ItemSource, PromptItem, Scored } from './types.js';

/** Turns per episode (the env's max_steps, in decisions) by scenario; others get DEFAULT_TURNS. */
export const FOOTBALL_DRILLS: Readonly<Partial<Record<ScenarioId, { turns: number }>>> = {
  // The scripted attacker scores from the first turn here (a shot).
  'empty-goal-close': { turns: 4 },
  // From halfway: right x5 then a shot scores 45% of the time in 6 turns (sprint first: 41%;
  // 8 turns: 95%), so the cap leaves room between a poor and a good policy.
  'empty-goal': { turns: 6 },
  'run-to-score': { turns: 6 },
};
export const DEFAULT_TURNS = 6;
/** Past turns shown in a turn's prompt. */
export const DEFAULT_WINDOW = 2;

const DRILL_ACTIONS = ['right', 'top_right', 'bottom_right', 'top', 'bottom', 'sprint', 'shot'] as const;

/** The actions a turn prompt offers for a scenario. */
export function offeredActions(scenario: ScenarioId): readonly string[] {
  return scenario in FOOTBALL_DRILLS ? DRILL_ACTIONS : PROMPT_ACTIONS;
}

export type FootballTaskKind = 'online' | 'act' | 'locate';

export interface FootballTask {
  kind: FootballTaskKind;
  scenario: ScenarioId;
  turns: number;
  name: string;
}

/** `football-{online,act,locate}-<scenario>[-t<turns>]`, e.g. `football-online-empty-goal-close`; else null. */
export function parseFootballTask(name: string): FootballTask | null {
  const m = /^football-(online|act|locate)-([a-z0-9-]+?)(?:-t(\d+))?$/.exec(name);
  if (!m || !(SCENARIOS as readonly string[]).includes(m[2])) return null;
  const scenario = m[2] as ScenarioId;
  const turns = m[3] ? Number(m[3]) : (FOOTBALL_DRILLS[scenario]?.turns ?? DEFAULT_TURNS);
  if (!(turns >= 1 && turns <= 50)) return null;
  return { kind: m[1] as FootballTaskKind, scenario, turns, name };
}

/** The env of a task: adaptive repeat, `turns` decisions at most. */
export function footballEnv(scenario: ScenarioId, turns: number): Env {
  return make(`Football-${scenario}-v0`, { adaptive_repeat: true, max_steps: turns });
}

// --- the raw state, as envs/football/json.ts writes it (only the fields read here) ---

interface RawPlayer {
  x: number;
  y: number;
  role: string;
}

export interface FootballRaw {
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

const columnOf = (x: number) => Math.round(PITCH_LEFT_PX + (x + 1) * PX_PER_UNIT);

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

// --- reading the frame: the locate answer, also the act trace's <think> ---

/** One decimal, without a negative zero. */
const d1 = (v: number) => {
  const r = Math.round(v * 10) / 10;
  return (r === 0 ? 0 : r).toFixed(1);
};

/** The nearest opponent to the controlled player whose centre is in the view, or null. */
function nearestOpponentInView(raw: FootballRaw): RawPlayer | null {
  const me = raw.left_team[raw.active];
  const left = viewLeft(raw);
  let best: RawPlayer | null = null;
  let bestD = Infinity;
  for (const o of raw.right_team) {
    const c = columnOf(o.x);
    if (c < left || c >= left + VIEW_SIZE) continue;
    const d = Math.hypot(o.x - me.x, o.y - me.y);
    if (d < bestD) {
      bestD = d;
      best = o;
    }
  }
  return best;
}

/** `me 0.8,0.1 ball 0.8,0.1 opp none`: x,y to one decimal (y grows downwards). */
export function footballReading(raw: FootballRaw): string {
  const me = raw.left_team[raw.active];
  const opp = nearestOpponentInView(raw);
  return `me ${d1(me.x)},${d1(me.y)} ball ${d1(raw.ball.x)},${d1(raw.ball.y)} opp ${opp ? `${d1(opp.x)},${d1(opp.y)}` : 'none'}`;
}

const NUM = '(-?\\d+(?:\\.\\d+)?)';
const READING = new RegExp(`^me\\s*${NUM}\\s*,\\s*${NUM}\\s+ball\\s*${NUM}\\s*,\\s*${NUM}\\s+opp\\s*(?:(none)|${NUM}\\s*,\\s*${NUM})$`, 'i');

/** The numbers of a reading: [me x, me y, ball x, ball y] and the opponent's [x, y] or null. */
export function parseReading(text: string): { me: [number, number]; ball: [number, number]; opp: [number, number] | null } | null {
  const m = READING.exec(text.trim());
  if (!m) return null;
  const n = (i: number) => Number(m[i]);
  return { me: [n(1), n(2)], ball: [n(3), n(4)], opp: m[5] ? null : [n(6), n(7)] };
}

/** Tolerance of a locate answer per coordinate: one rounding step. */
export const LOCATE_TOLERANCE = 0.1;

/** Whether `got` matches the reading `want` within LOCATE_TOLERANCE on every coordinate. */
export function readingMatches(got: string, want: string): boolean {
  const a = parseReading(got);
  const b = parseReading(want);
  if (!a || !b) return false;
  const near = (p: readonly number[], q: readonly number[]) => p.every((v, i) => Math.abs(v - q[i]) <= LOCATE_TOLERANCE + 1e-9);
  if ((a.opp === null) !== (b.opp === null)) return false;
  return near(a.me, b.me) && near(a.ball, b.ball) && (a.opp === null || near(a.opp, b.opp!));
}

// --- actions in answers ---

const ALIASES = actionAliases();

/** The canonical action name an answer names (`up` -> `top`, `short pass` -> `short_pass`), or null. */
export function canonicalAction(answer: string): string | null {
  const t = answer.trim().toLowerCase().replace(/\s+/g, ' ');
  if ((ACTIONS as readonly string[]).includes(t)) return t;
  return ALIASES[t] ?? null;
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

// --- warm-start items: a seeded start, a few turns played, then the turn to answer ---

/** The scripted attacker's action at a state, in decisions: `idle` while moving is the move itself. */
export function heuristicTurn(observation: Observation): string {
  const a = String(footballAttackerAction(observation));
  const dir = rawOf(observation).sticky.direction;
  // Under adaptive repeat, idle runs one frame while re-issuing the sticky move runs up to ten.
  return a === 'idle' && dir ? dir : a;
}

/**
 * The act items' label: the scripted attacker's action, except on the last turn with the ball,
 * where it shoots. The attacker plays without a clock (it shoots only when its chance is high),
 * so under a turn cap its last-turn run would forfeit the shot reward and any chance of a goal.
 */
export function footballActLabel(observation: Observation, turn: number, turns: number): string {
  const raw = rawOf(observation);
  return turn >= turns && raw.ball_owner === raw.active ? 'shot' : heuristicTurn(observation);
}

const KICKS = new Set(['shot', 'short_pass', 'long_pass', 'high_pass']);
const PREFIX_MOVES = ['right', 'top_right', 'bottom_right', 'top', 'bottom', 'sprint'];
/** Env seeds of training starts lie below this; evaluation episodes use seeds from EVAL_SEED (9e8) up. */
export const TRAIN_ENV_SEEDS = 2 ** 29;

export interface FootballStart {
  envSeed: number;
  /** The actions played before the turn asked about. */
  prefix: string[];
  observation: Observation;
  history: TurnNote[];
  /** The turn asked about, 1-based. */
  turn: number;
}

/**
 * Start `index` of `seed`: a seeded kick-off, then 0..turns-1 turns, each the scripted attacker's
 * action or (half the time) a random forward or sideways move, so that the states asked about are
 * not only the attacker's own. A kick the prefix would play ends it there (the turn asked about
 * is that kick's); a prefix that ends the episode is redrawn.
 */
export function footballStart(task: FootballTask, seed: number, index: number): FootballStart {
  const rng = makeRng(`train/football/${task.scenario}/${task.turns}/${seed}/${index}`);
  const env = footballEnv(task.scenario, task.turns);
  for (let attempt = 0; ; attempt++) {
    const envSeed = rng.int(TRAIN_ENV_SEEDS);
    const k = rng.int(task.turns);
    let { observation } = env.reset({ seed: envSeed });
    const prefix: string[] = [];
    const history: TurnNote[] = [];
    let ended = false;
    for (let i = 0; i < k; i++) {
      const own = heuristicTurn(observation);
      const a = rng.next() < 0.5 ? own : rng.pick(PREFIX_MOVES);
      if (KICKS.has(a)) break;
      // As text, as the model's answers are played, so that the window reads the same.
      const r = env.step({ text: a });
      prefix.push(a);
      history.push(noteOf(r.info, r.reward));
      observation = r.observation;
      if (r.terminated || r.truncated) {
        ended = true;
        break;
      }
    }
    if (!ended) return { envSeed, prefix, observation, history, turn: prefix.length + 1 };
    if (attempt >= 63) throw new Error(`football start ${seed}/${index}: 64 prefixes in a row ended the episode`);
  }
}

const FORMAT = DEFAULT_MATH_REWARD.format;

function gradeAnswer(response: string, ok: (answer: string) => boolean): Scored {
  const f = parseStrictFormat(response);
  const hit = f !== null && ok(f.answer);
  return { reward: (f ? FORMAT : 0) + (hit ? 1 : 0), parts: { format: f ? FORMAT : 0, task: hit ? 1 : 0 }, success: hit };
}

/** `football-act-<scenario>` and `football-locate-<scenario>` items. */
export function footballItemSource(task: FootballTask): ItemSource {
  if (task.kind === 'online') throw new Error(`${task.name} is an episode task, not an item source (see rlSource)`);
  return {
    task: task.name,
    vision: true,
    item(seed, index): PromptItem {
      const s = footballStart(task, seed, index);
      const raw = rawOf(s.observation);
      const view = footballView(s.observation);
      const reading = footballReading(raw);
      // The key names the start alone: a start held out from act items is held out from locate too.
      const key = contentKey(`football-${task.scenario}-t${task.turns}`, `${s.envSeed}/${s.prefix.join(',')}`);
      if (task.kind === 'locate') {
        return {
          task: task.name,
          key,
          prompt: footballLocatePrompt(view),
          trace: `<think>read the frame</think><answer>${reading}</answer>`,
          score: (response) => gradeAnswer(response, (a) => readingMatches(a, reading)),
        };
      }
      const action = footballActLabel(s.observation, s.turn, task.turns);
      return {
        task: task.name,
        key,
        prompt: footballTurnPrompt(view, task.scenario, s.turn, task.turns, s.history),
        trace: `<think>${reading}</think><answer>${action}</answer>`,
        score: (response) => gradeAnswer(response, (a) => canonicalAction(a) === action),
      };
    },
  };
}
