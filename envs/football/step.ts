/**
 * One frame of play (100 ms), pure: `stepFrame(prev, action)` builds a new state and never
 * touches `prev`. Phases, marked `// --- n. ---` in the body:
 *   1. the agent's action: sticky movement / sprint / dribble, a slide, or a kick (pass or shot)
 *   2. every other player picks a target (ai.ts)
 *   3. players move (physics.ts)
 *   4. the ball moves: carried at the owner's feet, or flying and rolling
 *   5. possession: a loose ball is received, intercepted or caught; the carrier may be tackled
 *   6. goal, out of play, lost ball: the episode's end
 *   7. control switches to the carrier, the pass receiver, or the teammate nearest the ball
 *   8. reward
 */
import { ACTION, DIRECTIONS, directionOf } from './actions.js';
import { planTargets } from './ai.js';
import { SALT, chance } from './chance.js';
import {
  ACCELERATION,
  CARRY_FACTOR,
  DRIBBLE_FACTOR,
  OPPONENT_REACTION,
  OPPONENT_SPEED,
  RUN_SPEED,
  SLIDE_STEPS,
  SPRINT_SPEED,
} from './constants.js';
import { dist, lerp } from './geometry.js';
import { interceptOnPath, newPath, predictPath, type BallPath } from './intercept.js';
import { chooseReceiver, laneClearance, passTarget, strikePass, type PassKind } from './passes.js';
import { carryBall, copyBall, copyPlayer, flyBall, movePlayer } from './physics.js';
import { ballEnd, pickUp, tackle } from './possession.js';
import { computeReward } from './reward.js';
import { shotChance, shotOutcome, strikeShot } from './shots.js';
import { nearest } from './team.js';
import type { Ball, EndReason, FootballState, Kick, Player, PossessionVia, RewardMode, Sticky } from './types.js';

export interface FrameResult {
  state: FootballState;
  reward: number;
}

/** Scratch space for the AI's targets and the ball's path, reused between calls (never part of a state). */
let targets = new Float64Array(3 * 22);
const path: BallPath = newPath();

const KICKS: Record<number, PassKind | 'shot'> = {
  [ACTION.short_pass]: 'short_pass',
  [ACTION.long_pass]: 'long_pass',
  [ACTION.high_pass]: 'high_pass',
  [ACTION.shot]: 'shot',
};

export function stepFrame(prev: FootballState, action: number, modes: readonly RewardMode[]): FrameResult {
  const players: Player[] = prev.players.map(copyPlayer);
  const ball: Ball = copyBall(prev.ball);
  const sticky: Sticky = { ...prev.sticky };
  const { nLeft, seed, frame, difficulty } = prev;
  const active = prev.active;
  const events: string[] = [];
  let via: PossessionVia = null;
  let struck: Kick | null = null;

  // --- 1. the agent's action ---
  const dir = directionOf(action);
  if (dir > 0) sticky.dir = dir;
  else if (action === ACTION.release_direction) sticky.dir = 0;
  else if (action === ACTION.sprint) sticky.sprint = true;
  else if (action === ACTION.release_sprint) sticky.sprint = false;
  else if (action === ACTION.dribble) sticky.dribble = true;
  else if (action === ACTION.release_dribble) sticky.dribble = false;
  const me = players[active];
  const [fx, fy] = sticky.dir > 0 ? DIRECTIONS[sticky.dir] : [me.fx, me.fy];
  let slider = -1;
  if (action === ACTION.sliding && ball.owner !== active && me.down === 0) {
    // A lunge at the ball: a burst of speed towards it, then some steps on the ground.
    const dx = ball.x - me.x;
    const dy = ball.y - me.y;
    const d = Math.sqrt(dx * dx + dy * dy) || 1;
    me.vx = (dx / d) * SPRINT_SPEED * 1.5;
    me.vy = (dy / d) * SPRINT_SPEED * 1.5;
    me.down = SLIDE_STEPS;
    events.push('sliding');
  }
  if (me.down > 0 && ball.owner < 0) slider = active;
  const kind = KICKS[action];
  if (kind !== undefined && ball.owner === active) {
    struck = kick(players, nLeft, ball, active, kind, fx, fy, difficulty, seed, frame);
    via = kind === 'shot' ? 'shot' : 'pass';
    events.push(kind);
  }

  // --- 2. every other player picks a target ---
  const oppSpeed = lerp(OPPONENT_SPEED[0], OPPONENT_SPEED[1], difficulty);
  if (targets.length < 3 * players.length) targets = new Float64Array(3 * players.length);
  if (ball.owner < 0) predictPath(ball, path);
  else path.n = 0;
  planTargets({ players, nLeft, ball, active, difficulty, opponentSpeed: oppSpeed, path }, targets);

  // --- 3. players move ---
  const oppAccel = lerp(OPPONENT_REACTION[0], OPPONENT_REACTION[1], difficulty);
  for (let i = 0; i < players.length; i++) {
    const p = players[i];
    if (i === active) {
      moveActive(p, sticky, ball, active, path);
      continue;
    }
    const left = i < nLeft;
    const sprint = targets[3 * i + 2] === 1;
    let speed = (sprint ? SPRINT_SPEED : RUN_SPEED) * (left ? 1 : oppSpeed);
    const dx = targets[3 * i] - p.x;
    const dy = targets[3 * i + 1] - p.y;
    const d = Math.sqrt(dx * dx + dy * dy);
    // Arrive rather than overshoot; stand still when there.
    if (d < speed) speed = d;
    if (d < 1e-4) movePlayer(p, 0, 0, 0, left ? ACCELERATION : oppAccel, false);
    else movePlayer(p, dx / d, dy / d, speed, left ? ACCELERATION : oppAccel, sprint);
  }

  // --- 4. the ball moves ---
  const px = ball.x;
  const py = ball.y;
  const pz = ball.z;
  if (ball.owner >= 0) carryBall(ball, players[ball.owner]);
  else flyBall(ball);

  // --- 5. possession ---
  const flying = ball.kick;
  const change =
    ball.owner < 0
      ? pickUp(ball, players, nLeft, px, py, slider)
      : tackle(ball, players, nLeft, difficulty, sticky.dribble && ball.owner === active, seed, frame);
  if (change.via) {
    via = change.via;
    if (change.event) events.push(change.event);
    // The new owner has it at his feet at once.
    if (ball.owner >= 0) carryBall(ball, players[ball.owner]);
  }
  const completed = change.event === 'receive' && flying && flying.kind !== 'shot' ? flying : null;

  // --- 6. the episode's end ---
  let end: EndReason = null;
  // Once the other team has the ball the episode is over, wherever their player stands.
  const where = ball.owner >= nLeft ? null : ballEnd(ball, px, py, pz);
  if (where === 'goal') end = 'goal';
  else if (where === 'out') end = 'out';
  else if (where === 'own_goal' || ball.owner >= nLeft) end = 'lost';
  if (where !== null) {
    events.push(where);
    if (ball.owner >= 0) {
      // Carried over a line (touchline, byline or into the net): nobody has it any more.
      ball.owner = -1;
      via = 'out';
    }
  }
  if (ball.owner < 0 && ball.kick && ball.vx === 0 && ball.vy === 0 && ball.z === 0) {
    // A kick that has come to rest is just a loose ball.
    ball.kick = null;
  }

  // --- 7. control switch ---
  let next = active;
  if (ball.owner >= 0 && ball.owner < nLeft) next = ball.owner;
  else if (ball.owner < 0 && ball.kick && ball.kick.to >= 0) next = ball.kick.to;
  else if (ball.owner < 0) next = nLeft > 1 ? nearest(players, 1, nLeft, ball.x, ball.y) : 0;
  // A new player starts without the old one's direction, so he can settle to receive.
  if (next !== active) sticky.dir = 0;

  // --- 8. reward ---
  const afterShot = struck?.kind === 'shot' || prev.ball.kick?.kind === 'shot';
  const state: FootballState = {
    ...prev,
    frame: frame + 1,
    players,
    ball,
    sticky,
    active: next,
    end,
    events,
    via,
  };
  const r = computeReward({
    modes,
    next: state,
    struck,
    completed,
    goal: end === 'goal',
    ownGoal: where === 'own_goal',
    lost: end === 'lost' && !afterShot,
  });
  state.bestX = r.bestX;
  state.bestBehind = r.bestBehind;
  state.passes = r.passes;
  state.checkpoints = r.checkpoints;
  return { state, reward: r.reward };
}

/** The controlled player follows the sticky direction; idle, he runs onto a pass meant for him. */
function moveActive(p: Player, sticky: Sticky, ball: Ball, active: number, path: BallPath): void {
  let [dx, dy] = DIRECTIONS[sticky.dir];
  let speed = sticky.sprint ? SPRINT_SPEED : RUN_SPEED;
  if (ball.owner === active) speed *= CARRY_FACTOR * (sticky.dribble ? DRIBBLE_FACTOR : 1);
  if (sticky.dir === 0 && ball.owner < 0 && ball.kick?.to === active) {
    // Auto-receive: run to where the ball is going, as a scripted receiver would.
    const [ix, iy] = interceptOnPath(path, p.x, p.y, SPRINT_SPEED);
    const tx = ix - p.x;
    const ty = iy - p.y;
    const d = Math.sqrt(tx * tx + ty * ty);
    if (d > 1e-4) {
      dx = tx / d;
      dy = ty / d;
      speed = Math.min(SPRINT_SPEED, d);
    }
  }
  movePlayer(p, dx, dy, speed, ACCELERATION, sticky.sprint && (dx !== 0 || dy !== 0));
}

/** Strikes a pass or a shot from the active player; returns the kick. */
function kick(
  players: readonly Player[],
  nLeft: number,
  ball: Ball,
  from: number,
  kind: PassKind | 'shot',
  fx: number,
  fy: number,
  difficulty: number,
  seed: number,
  frame: number,
): Kick {
  const k = players[from];
  let made: Kick;
  if (kind === 'shot') {
    const odds = shotChance(players, nLeft, from, difficulty);
    const outcome = shotOutcome(odds, chance(seed, frame, SALT.shot));
    strikeShot(ball, players, nLeft, outcome, chance(seed, frame, SALT.shotAim));
    made = { kind, from, to: -1, outcome, x0: k.x, y0: k.y, clearance: laneClearance(players, nLeft, k.x, k.y, 1, 0) };
  } else {
    const to = chooseReceiver(players, nLeft, from, kind, fx, fy);
    const [tx, ty] = passTarget(players, from, to, kind, fx, fy);
    strikePass(ball, kind, ball.x, ball.y, tx, ty);
    const clearance = kind === 'high_pass' ? landingSpace(players, nLeft, tx, ty) : laneClearance(players, nLeft, ball.x, ball.y, tx, ty);
    made = { kind, from, to, outcome: null, x0: k.x, y0: k.y, clearance };
  }
  ball.owner = -1;
  ball.kicker = from;
  ball.kick = made;
  return made;
}

/** How free the landing spot of a high pass is (0..1): nearest opponent over 0.1 units. */
function landingSpace(players: readonly Player[], nLeft: number, x: number, y: number): number {
  let best = Infinity;
  for (let j = nLeft; j < players.length; j++) best = Math.min(best, dist(players[j].x, players[j].y, x, y));
  return Math.min(1, best / 0.1);
}
