/**
 * Scripted players. Each step every player but the one the agent controls picks a target point
 * and whether to sprint; physics.ts then runs them there with their team's speed and reaction.
 *
 * Opponents (right team, defending the goal at x = +1):
 *   - the keeper holds the line between ball and goal, comes off it when a carrier is through on
 *     goal, claims loose balls in his box, and goes for a shot it is set to save;
 *   - one presser (two from difficulty 0.5) runs at the ball, goal-side of it;
 *   - a loose ball is chased by the opponents nearest to where it is going;
 *   - the others mark the nearest free attacker by standing in the passing lane, or keep their
 *     formation slot shifted towards the ball (the shape).
 * Teammates (left team): the pass receiver runs onto the ball, forwards run into space ahead of
 * the ball, the others keep a shape that follows the ball; the keeper stays home.
 */
import { PITCH_X, PITCH_Y, SPRINT_SPEED } from './constants.js';
import { clamp } from './geometry.js';
import { interceptOnPath, type BallPath } from './intercept.js';
import { nearest } from './team.js';
import type { Ball, Player } from './types.js';

export interface World {
  players: readonly Player[];
  nLeft: number;
  ball: Ball;
  active: number;
  difficulty: number;
  /** Opponents' speed relative to ours. */
  opponentSpeed: number;
  /** The loose ball's predicted path (empty when someone has it). */
  path: BallPath;
}

/** The penalty box, where the keeper comes for loose balls (as drawn on the frame). */
const BOX_DEPTH = 0.3;
const BOX_HALF_WIDTH = 0.24;

/** Targets: out[3i] = x, out[3i+1] = y, out[3i+2] = 1 when sprinting. */
export function planTargets(w: World, out: Float64Array): void {
  const { players, nLeft, ball } = w;
  const n = players.length;
  // Where the ball will be in a few steps (a loose ball is chased there, not where it is).
  const lead = ball.owner < 0 ? 6 : 0;
  const bx = clamp(ball.x + ball.vx * lead, -PITCH_X, PITCH_X);
  const by = clamp(ball.y + ball.vy * lead, -PITCH_Y, PITCH_Y);
  const pressers = w.difficulty >= 0.5 ? 2 : 1;
  const leftHasBall = ball.owner >= 0 && ball.owner < nLeft;

  // --- opponents: who presses or chases (the nearest outfield players to the ball) ---
  let first = -1;
  let second = -1;
  let firstD = Infinity;
  let secondD = Infinity;
  for (let j = nLeft; j < n; j++) {
    if (players[j].role === 'keeper') continue;
    const d = (players[j].x - bx) ** 2 + (players[j].y - by) ** 2;
    if (d < firstD) {
      second = first;
      secondD = firstD;
      first = j;
      firstD = d;
    } else if (d < secondD) {
      second = j;
      secondD = d;
    }
  }
  for (let j = nLeft; j < n; j++) {
    const p = players[j];
    let tx: number;
    let ty: number;
    let sprint = 0;
    if (p.role === 'keeper') {
      [tx, ty, sprint] = keeperTarget(w, p);
    } else if (j === first || (pressers > 1 && j === second)) {
      if (ball.owner < 0) {
        // A loose ball: go where it can be reached first.
        [tx, ty] = interceptOnPath(w.path, p.x, p.y, SPRINT_SPEED * w.opponentSpeed);
      } else {
        // Goal-side of the ball, so the carrier has to go round.
        tx = bx + 0.012;
        ty = by;
      }
      sprint = 1;
    } else {
      [tx, ty] = markOrShape(w, p, bx, by, leftHasBall);
    }
    out[3 * j] = tx;
    out[3 * j + 1] = ty;
    out[3 * j + 2] = sprint;
  }

  // --- teammates ---
  const receiver = ball.owner < 0 && ball.kick && ball.kick.to >= 0 ? ball.kick.to : -1;
  // A loose ball with nobody meant for it: the nearest teammate other than the active one chases.
  const chaser = ball.owner < 0 && receiver < 0 ? nearest(players, 1, nLeft, bx, by, w.active) : -1;
  for (let i = 0; i < nLeft; i++) {
    if (i === w.active) continue;
    const p = players[i];
    let tx: number;
    let ty: number;
    let sprint = 0;
    if (i === receiver || i === chaser) {
      [tx, ty] = interceptOnPath(w.path, p.x, p.y, SPRINT_SPEED);
      sprint = 1;
    } else if (p.role === 'keeper') {
      tx = -PITCH_X + 0.02;
      ty = clamp(ball.y * 0.1, -0.03, 0.03);
    } else {
      [tx, ty, sprint] = support(w, p, bx, by);
    }
    out[3 * i] = tx;
    out[3 * i + 1] = ty;
    out[3 * i + 2] = sprint;
  }
}

/** The keeper: on the ball-goal line, off it towards a carrier through on goal, onto shots to save. */
function keeperTarget(w: World, p: Player): [number, number, number] {
  const { ball } = w;
  if (ball.kick?.kind === 'shot' && ball.kick.outcome === 'save') {
    // Meet the ball where its path crosses the keeper's x.
    const t = ball.vx > 1e-6 ? Math.max(0, (p.x - ball.x) / ball.vx) : 0;
    return [p.x, clamp(ball.y + ball.vy * t, -0.1, 0.1), 1];
  }
  if (ball.owner < 0 && ball.kick?.kind !== 'shot' && ball.x > PITCH_X - BOX_DEPTH && Math.abs(ball.y) < BOX_HALF_WIDTH) {
    // A loose ball in his box is his to claim.
    const [tx, ty] = interceptOnPath(w.path, p.x, p.y, SPRINT_SPEED * w.opponentSpeed);
    return [tx, ty, 1];
  }
  const gx = PITCH_X;
  const dx = ball.x - gx;
  const dy = ball.y;
  const d = Math.sqrt(dx * dx + dy * dy);
  // Further off the line as the ball comes closer (narrowing the angle), rushing when very close.
  const rush = d < 0.12 + 0.08 * w.difficulty;
  const off = rush ? Math.max(0, d - 0.01) : clamp(0.03 + 0.08 * (0.6 - d), 0.02, 0.09);
  const u = d > 1e-6 ? off / d : 0;
  return [Math.max(0.8, gx + dx * u), clamp(dy * u, -0.2, 0.2), rush ? 1 : 0];
}

/** A defender off the ball: stand in the lane to the nearest free attacker, else keep shape. */
function markOrShape(w: World, p: Player, bx: number, by: number, leftHasBall: boolean): [number, number] {
  const { players, nLeft } = w;
  // Shape: the formation slot, pulled towards the ball and back towards goal.
  const sx = clamp(p.homeX + (bx - p.homeX) * 0.3 + 0.05, -0.9, 0.95);
  const sy = clamp(p.homeY * 0.8 + by * 0.3, -PITCH_Y, PITCH_Y);
  if (!leftHasBall) return [sx, sy];
  // Mark: the nearest attacker (not the keeper or carrier) near this player's slot.
  const m = nearestAttacker(players, nLeft, sx, sy, w.ball.owner);
  if (m < 0) return [sx, sy];
  const a = players[m];
  if ((a.x - sx) ** 2 + (a.y - sy) ** 2 > 0.3 * 0.3) return [sx, sy];
  // On the ball-attacker line, closer to the attacker, goal-side.
  return [bx + (a.x - bx) * 0.7 + 0.02, by + (a.y - by) * 0.7];
}

function nearestAttacker(players: readonly Player[], nLeft: number, x: number, y: number, skip: number): number {
  let best = -1;
  let bestD = Infinity;
  for (let i = 0; i < nLeft; i++) {
    if (i === skip || players[i].role === 'keeper') continue;
    const d = (players[i].x - x) ** 2 + (players[i].y - y) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

/** A teammate off the ball: forwards run into space ahead of it, the others follow in shape. */
function support(w: World, p: Player, bx: number, by: number): [number, number, number] {
  const { players, nLeft } = w;
  let tx: number;
  let ty: number;
  if (p.role === 'forward') {
    tx = clamp(Math.max(p.homeX + bx * 0.5, bx + 0.15), -0.5, 0.85);
    ty = clamp(p.homeY * 0.8 + by * 0.2, -0.32, 0.32);
  } else {
    const push = p.role === 'midfielder' ? 0.6 : 0.45;
    tx = clamp(p.homeX + (bx + 0.2) * push, -0.85, Math.max(-0.2, bx - (p.role === 'defender' ? 0.25 : 0.05)));
    ty = clamp(p.homeY + by * 0.25, -0.38, 0.38);
  }
  // Into space: step away from the nearest opponent if it is close to the run's end.
  const o = nearest(players, nLeft, players.length, tx, ty);
  if (o >= 0) {
    const dx = tx - players[o].x;
    const dy = ty - players[o].y;
    const d = Math.sqrt(dx * dx + dy * dy);
    if (d < 0.08 && d > 1e-6) {
      tx += (dx / d) * (0.08 - d);
      ty += (dy / d) * (0.08 - d);
    }
  }
  const far = (tx - p.x) ** 2 + (ty - p.y) ** 2 > 0.15 * 0.15;
  return [clamp(tx, -PITCH_X, PITCH_X), clamp(ty, -PITCH_Y, PITCH_Y), far ? 1 : 0];
}
