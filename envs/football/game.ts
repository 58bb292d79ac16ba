/**
 * The football game as a pure `Game` core (see envs/core/game.ts); `GameEnv` wraps it into an Env.
 * One `step` is one decision: one frame, or, with `adaptive_repeat`, the frames MageBench's
 * adaptive repeat runs for it (a movement continues up to 10 frames while no opponent is near and
 * the same player is controlled; a pass or shot the controlled player struck runs until the ball
 * has an owner again or the episode ends). `max_steps` counts decisions and `max_frames` game
 * time; whichever runs out first truncates the episode (a repeat stops at the frame cap).
 */
import type { EpisodeSummary, Game, GameStep } from '../core/game.js';
import { OptionReader } from '../core/options.js';
import type { Rng } from '../core/rng.js';
import type { Space } from '../core/spaces.js';
import { EnvError, type JsonObject } from '../core/types.js';
import { ACTION, ACTIONS, actionAliases, directionOf } from './actions.js';
import { NEAR_OPPONENT } from './constants.js';
import { stateJson } from './json.js';
import { FRAME_HEIGHT, FRAME_WIDTH, drawFrame, rasterizeFrame } from './render.js';
import { SCORE_SCALE, parseRewardModes } from './reward.js';
import { SCENARIO_DIFFICULTY } from './scenarios.js';
import { initialState } from './state.js';
import { stepFrame } from './step.js';
import { describe } from './text.js';
import { SCENARIOS, type FootballOptions, type FootballState, type RewardMode } from './types.js';

/** Most frames one decision runs under adaptive repeat: 10 for a move, 60 for a kick in flight. */
const REPEAT_MOVE = 10;
const REPEAT_KICK = 60;
/** Google Research Football's academy scenarios last 400 frames (40 s of play). */
export const DEFAULT_MAX_FRAMES = 400;

const ALIASES = actionAliases();
const modeCache = new Map<string, RewardMode[]>();

function modesOf(o: FootballOptions): RewardMode[] {
  let modes = modeCache.get(o.reward);
  if (!modes) {
    modes = parseRewardModes(o.reward) ?? [];
    modeCache.set(o.reward, modes);
  }
  return modes;
}

function opponentNear(s: FootballState): boolean {
  const me = s.players[s.active];
  for (let j = s.nLeft; j < s.players.length; j++) {
    if ((s.players[j].x - me.x) ** 2 + (s.players[j].y - me.y) ** 2 < NEAR_OPPONENT * NEAR_OPPONENT) return true;
  }
  return false;
}

function info(s: FootballState, frames: number): JsonObject {
  return {
    active: s.active,
    active_role: s.players[s.active].role,
    ball_owner: s.ball.owner,
    ball_owned_team: s.ball.owner < 0 ? -1 : s.ball.owner < s.nLeft ? 0 : 1,
    events: [...s.events],
    possession_via: s.via,
    end_reason: s.end,
    goal: s.end === 'goal',
    frames,
  };
}

export const footballGame: Game<FootballState, FootballOptions> = {
  resolveOptions(options: JsonObject): FootballOptions {
    const r = new OptionReader('football', options);
    const scenario = r.oneOf('scenario', '11v11', SCENARIOS);
    const reward = r.raw('reward') ?? 'magebench';
    if (typeof reward !== 'string' || !parseRewardModes(reward)) {
      throw new EnvError(`football: option reward must be magebench, scoring, checkpoints or a comma-separated mix, got ${JSON.stringify(reward)}`);
    }
    const out: FootballOptions = {
      ...r.base(400, 'online'),
      scenario,
      difficulty: r.number('difficulty', SCENARIO_DIFFICULTY[scenario], 0, 1),
      reward,
      adaptive_repeat: r.bool('adaptive_repeat', false),
      max_frames: r.int('max_frames', DEFAULT_MAX_FRAMES, 1, 1_000_000),
      state_minimap: r.bool('state_minimap', false),
    };
    r.done();
    return out;
  },

  actionNames: () => ACTIONS,
  idleAction: 0,
  actionAliases: () => ALIASES,

  stateSpace: (): Space => ({
    type: 'json',
    description:
      'Raw football state: scenario, difficulty, frame, step, steps_left, ball {x,y,z,vx,vy,vz}, ball_owner (player index or -1), ' +
      'ball_owned_team (-1/0/1), kick {kind, from, to} in flight or null, left_team and right_team players ' +
      '{index, role, x, y, vx, vy, fx, fy, tired, down}, active (controlled index), sticky {direction, sprint, dribble}, ' +
      'score [left, right], passes, end, events; minimap (4x72x96) when state_minimap is set',
  }),

  initial: (rng: Rng, o: FootballOptions) => initialState(rng, o),

  step(state: FootballState, action: number, o: FootballOptions): GameStep<FootballState> {
    if (!Number.isInteger(action) || action < 0 || action >= ACTIONS.length) {
      throw new EnvError(`football: action must be an integer in [0, ${ACTIONS.length - 1}], got ${String(action)}`);
    }
    const modes = modesOf(o);
    let { state: s, reward } = stepFrame(state, action, modes);
    let frames = 1;
    if (o.adaptive_repeat && s.end === null) {
      const move = directionOf(action) > 0;
      // A pass or shot only when the controlled player had the ball to strike; otherwise it did nothing.
      const kick = action >= ACTION.long_pass && action <= ACTION.shot && state.ball.owner === state.active;
      while (s.end === null && s.frame < o.max_frames) {
        // A move stops when control passes to another player: he has not been told to move.
        if (move ? frames >= REPEAT_MOVE || opponentNear(s) || s.active !== state.active : !kick || frames >= REPEAT_KICK || s.ball.owner >= 0) break;
        // Sticky actions carry the move on; idle adds nothing new.
        const r = stepFrame(s, ACTION.idle, modes);
        s = r.state;
        reward += r.reward;
        frames++;
      }
    }
    s = { ...s, turn: state.turn + 1 };
    const terminated = s.end !== null;
    return { state: s, reward, terminated, truncated: !terminated && s.frame >= o.max_frames, info: info(s, frames) };
  },

  text: describe,
  toJson: stateJson,
  frameSize: () => ({ width: FRAME_WIDTH, height: FRAME_HEIGHT }),
  draw: drawFrame,
  rasterize: rasterizeFrame,

  resetInfo: (s: FootballState) => ({ ...info(s, 0), scenario: s.scenario, difficulty: s.difficulty }),

  /** MageBench's scale: the accumulated reward x 20. */
  score: (episode: EpisodeSummary<FootballState>) => episode.return * SCORE_SCALE,
};
