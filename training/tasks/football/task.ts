// Football for the MGT stage, in MageBench's online protocol: one decision a turn from the turn's
// frame, with a bounded window of past turns as text. The turn prompt, its cropped view and the
// locate question live with the agents (agent/agents/prompts/football.ts), since the TinyLMM agent
// plays with the same prompt a floor below training; the episodes are played in ./episodes.ts. What
// is the task's own stays here:
//
// - Drills where a tiny model can score (empty goal close / from halfway, run to score) with
//   MageBench's adaptive repeat: a movement runs up to 10 frames, so an episode needs few turns.
//
// Warm-start items on the same turn prompts: `football-act-*` (the scripted attacker's action after
// a reading of the frame; a shot on the last turn) and `football-locate-*` (where the player, the ball and the nearest
// opponent in view are).
import { footballAttackerAction } from '../../../agent/agents/index.js';
import { FOOTBALL_ONLINE_OPTIONS, make, makeRng, type Env, type Observation } from '../../../envs/index.js';
import { ACTIONS, actionAliases } from '../../../envs/football/actions.js';
import { SCENARIOS, type ScenarioId } from '../../../envs/football/types.js';
import { DEFAULT_MATH_REWARD, parseStrictFormat, rewardResult, type RewardResult } from '../../../envs/rewards/index.js';
import { contentKey, itemTask } from '../items.js';
import type { ItemTask, PromptItem } from '../types.js';
import {
  columnOf,
  FOOTBALL_DRILLS,
  footballLocatePrompt,
  footballTurnPrompt,
  footballView,
  noteOf,
  rawOf,
  viewLeft,
  VIEW_SIZE,
  type FootballRaw,
  type RawPlayer,
  type TurnNote,
} from '../../../agent/agents/index.js';

/** Turns per episode of the scenarios that are not drills (FOOTBALL_DRILLS gives the drills' own). */
export const DEFAULT_TURNS = 6;

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

/**
 * The env of a task: MageBench's online step, as the leaderboard plays it (FOOTBALL_ONLINE_OPTIONS:
 * adaptive repeat, 400 frames of play at most), and `turns` decisions at most.
 */
export function footballEnv(scenario: ScenarioId, turns: number): Env {
  return make(`Football-${scenario}-v0`, { ...FOOTBALL_ONLINE_OPTIONS, max_steps: turns });
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

function gradeAnswer(response: string, ok: (answer: string) => boolean): RewardResult {
  const f = parseStrictFormat(response);
  const hit = f !== null && ok(f.answer);
  return rewardResult({ format: f ? FORMAT : 0, task: hit ? 1 : 0, success: hit });
}

/** `football-act-<scenario>` and `football-locate-<scenario>` items. */
export function footballItemTask(task: FootballTask): ItemTask {
  if (task.kind === 'online') throw new Error(`${task.name} is an episode task, not an item task`);
  return itemTask(task.name, true, (seed, index): PromptItem => {
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
        reward: (response) => gradeAnswer(response, (a) => readingMatches(a, reading)),
      };
    }
    const action = footballActLabel(s.observation, s.turn, task.turns);
    return {
      task: task.name,
      key,
      prompt: footballTurnPrompt(view, task.scenario, s.turn, task.turns, s.history),
      trace: `<think>${reading}</think><answer>${action}</answer>`,
      reward: (response) => gradeAnswer(response, (a) => canonicalAction(a) === action),
    };
  });
}
