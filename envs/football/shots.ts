/**
 * Shots. The chance of scoring comes from the goal angle the shooter sees (distance and angle in
 * one number), the keeper's position, pressure from defenders and difficulty; the outcome (goal,
 * save, miss) is drawn from the episode's seeded generator when the ball is struck, and the ball
 * is then aimed to match it: inside the posts away from the keeper, at the keeper, or wide.
 */
import { KICK_COOLDOWN, GOAL_HALF_WIDTH, PITCH_X, SHOT_SPEED } from './constants.js';
import { clamp, dist, distToSegment } from './geometry.js';
import { rightKeeper } from './team.js';
import type { Ball, Player, ShotOutcome } from './types.js';

/** The angle (radians) between the two posts of the right goal, seen from (x, y). */
export function goalAngle(x: number, y: number): number {
  const a = Math.atan2(-GOAL_HALF_WIDTH - y, PITCH_X - x);
  const b = Math.atan2(GOAL_HALF_WIDTH - y, PITCH_X - x);
  return Math.abs(b - a);
}

export interface ShotChance {
  /** Probability of a goal. */
  goal: number;
  /** Probability of a save when it is not a goal (the rest goes wide). */
  save: number;
}

export function shotChance(players: readonly Player[], nLeft: number, shooter: number, difficulty: number): ShotChance {
  const s = players[shooter];
  if (s.x >= PITCH_X) return { goal: Math.abs(s.y) < GOAL_HALF_WIDTH ? 1 : 0, save: 0 };
  // An open goal 0.3 units away, straight on, subtends 0.29 rad: that is a near-certain finish.
  // Beyond that, power and accuracy fade with distance: long shots rarely go in.
  const d = dist(s.x, s.y, PITCH_X, 0);
  let p = Math.min(0.98, Math.pow(goalAngle(s.x, s.y) / 0.25, 1.5)) * clamp(1.25 - 1.1 * d, 0.05, 1);
  const k = rightKeeper(players, nLeft);
  let save = 0;
  if (k >= 0) {
    // A keeper on the line between ball and goal covers most of it; out of it, little.
    const off = distToSegment(players[k].x, players[k].y, s.x, s.y, PITCH_X, 0);
    p *= clamp(0.3 + 3 * off, 0.3, 1);
    save = clamp(0.8 - 4 * off, 0.2, 0.8);
  }
  // Pressure: the nearest outfield opponent within 0.06 units, and bodies in the shooting lane.
  for (let j = nLeft; j < players.length; j++) {
    if (j === k) continue;
    const d = dist(players[j].x, players[j].y, s.x, s.y);
    if (d < 0.06) p *= 0.5 + (0.5 * d) / 0.06;
    if (players[j].x > s.x && distToSegment(players[j].x, players[j].y, s.x, s.y, PITCH_X, 0) < 0.015) p *= 0.5;
  }
  p *= 1.1 - 0.3 * difficulty;
  return { goal: clamp(p, 0, 0.98), save };
}

/** Draws the outcome from a uniform `u`. */
export function shotOutcome(chance: ShotChance, u: number): ShotOutcome {
  if (u < chance.goal) return 'goal';
  const rest = (u - chance.goal) / Math.max(1e-9, 1 - chance.goal);
  return rest < chance.save ? 'save' : 'miss';
}

/**
 * Sets the ball flying from where it lies (at the shooter's feet) through the point of the goal
 * line that matches the outcome: inside the posts away from the keeper, at the keeper, or wide.
 */
export function strikeShot(ball: Ball, players: readonly Player[], nLeft: number, outcome: ShotOutcome, u: number): void {
  const k = rightKeeper(players, nLeft);
  const ky = k >= 0 ? players[k].y : 0;
  let ty: number;
  if (outcome === 'goal') {
    // Inside the posts, on the side away from the keeper.
    const side = ky > 0 ? -1 : 1;
    ty = side * GOAL_HALF_WIDTH * (0.2 + 0.6 * u);
  } else if (outcome === 'save') {
    ty = k >= 0 ? ky : 0;
  } else {
    const side = u < 0.5 ? -1 : 1;
    ty = side * (GOAL_HALF_WIDTH + 0.015 + 0.08 * u);
  }
  const d = Math.max(1e-6, dist(ball.x, ball.y, PITCH_X, ty));
  ball.vx = ((PITCH_X - ball.x) / d) * SHOT_SPEED;
  ball.vy = ((ty - ball.y) / d) * SHOT_SPEED;
  ball.vz = 0;
  ball.z = 0;
  ball.cooldown = KICK_COOLDOWN;
}
