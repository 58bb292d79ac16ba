/**
 * Passes: the receiver is the teammate best placed along the kicker's facing direction (short:
 * near, long: far, both on the ground through an open lane; high: lofted, so only the receiver's
 * space counts), and the ball is struck to arrive where the receiver will be. Opponents near the
 * ball's path can still cut it out: that happens in possession.ts, by reaching the ball.
 */
import {
  GRAVITY,
  GROUND_FRICTION,
  AIR_FRICTION,
  HIGH_PASS_RANGE,
  KICK_COOLDOWN,
  LONG_PASS_RANGE,
  PASS_CONE,
  SHORT_PASS_RANGE,
} from './constants.js';
import { clamp, dist, distToSegment } from './geometry.js';
import type { Ball, KickKind, Player } from './types.js';

export type PassKind = Exclude<KickKind, 'shot'>;

const RANGES: Record<PassKind, readonly [number, number]> = {
  short_pass: SHORT_PASS_RANGE,
  long_pass: LONG_PASS_RANGE,
  high_pass: HIGH_PASS_RANGE,
};

/** Lane clearance (0..1): how far the nearest opponent is from the segment, over 0.1 units. */
export function laneClearance(players: readonly Player[], nLeft: number, ax: number, ay: number, bx: number, by: number): number {
  let best = Infinity;
  for (let j = nLeft; j < players.length; j++) {
    const d = distToSegment(players[j].x, players[j].y, ax, ay, bx, by);
    if (d < best) best = d;
  }
  return clamp(best / 0.1, 0, 1);
}

/** Space around a point (0..1): the nearest opponent's distance over 0.15 units. */
function space(players: readonly Player[], nLeft: number, x: number, y: number): number {
  let best = Infinity;
  for (let j = nLeft; j < players.length; j++) best = Math.min(best, dist(players[j].x, players[j].y, x, y));
  return clamp(best / 0.15, 0, 1);
}

/**
 * The teammate a pass of `kind` from `from` goes to, or -1 when nobody fits (the ball is then
 * played into space along the facing direction). Players outside the cone are allowed only when
 * the cone is empty (or holds only the keeper), at a cost, so a pass finds someone if anyone is in range.
 */
export function chooseReceiver(players: readonly Player[], nLeft: number, from: number, kind: PassKind, fx: number, fy: number): number {
  const k = players[from];
  const [lo, hi] = RANGES[kind];
  let best = -1;
  let bestScore = -Infinity;
  for (let i = 0; i < nLeft; i++) {
    if (i === from) continue;
    const p = players[i];
    const d = dist(k.x, k.y, p.x, p.y);
    if (d < lo || d > hi) continue;
    const cos = ((p.x - k.x) * fx + (p.y - k.y) * fy) / d;
    const inCone = cos >= Math.cos(PASS_CONE);
    const open = space(players, nLeft, p.x, p.y);
    const lane = kind === 'high_pass' ? 1 : laneClearance(players, nLeft, k.x, k.y, p.x, p.y);
    const length = kind === 'short_pass' ? -d : d;
    // The keeper is a last resort: passes back to him are legal but rarely wanted.
    const keeper = p.role === 'keeper' ? -1 : 0;
    // Alignment with the facing direction weighs most: the player aimed at is the one who gets it.
    const score = lane + 0.6 * open + 2.5 * cos + 0.5 * length + keeper - (inCone ? 0 : 3);
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return best;
}

/**
 * Sets the ball's velocity for a pass from (x, y) to (tx, ty): ground passes arrive with a little
 * pace left, high passes fly over the defence and land near the target.
 */
export function strikePass(ball: Ball, kind: PassKind, x: number, y: number, tx: number, ty: number): void {
  const d = Math.max(1e-6, dist(x, y, tx, ty));
  const ux = (tx - x) / d;
  const uy = (ty - y) / d;
  let speed: number;
  if (kind === 'high_pass') {
    // Flight time grows with length; vertical speed so that it lands after `t` steps.
    const t = clamp(8 + d * 18, 8, 24);
    ball.vz = (GRAVITY * t) / 2;
    // Horizontal speed such that, with air friction, it covers d in t steps.
    speed = (d * (1 - AIR_FRICTION)) / (1 - Math.pow(AIR_FRICTION, t));
  } else {
    // A rolling ball covers v0 / (1 - f) at most; the extra keeps it alive when it arrives.
    speed = d * (1 - GROUND_FRICTION) + 0.02;
    ball.vz = 0;
  }
  ball.vx = ux * speed;
  ball.vy = uy * speed;
  ball.z = 0;
  ball.cooldown = KICK_COOLDOWN;
}

/** Where to aim: the receiver's position led by its velocity over the ball's rough travel time. */
export function passTarget(players: readonly Player[], from: number, to: number, kind: PassKind, fx: number, fy: number): [number, number] {
  const k = players[from];
  if (to < 0) {
    const [lo, hi] = RANGES[kind];
    const d = (lo + hi) / 2;
    return [k.x + fx * d, k.y + fy * d];
  }
  const r = players[to];
  const d = dist(k.x, k.y, r.x, r.y);
  const steps = kind === 'high_pass' ? 8 + d * 18 : d / 0.026;
  return [r.x + r.vx * steps * 0.7, r.y + r.vy * steps * 0.7];
}
