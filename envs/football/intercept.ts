/**
 * Where a player running at `speed` can first meet a moving ball: the ball's path is played
 * forward with the same physics as the game (flight, bounce, friction) until a point is both low
 * enough to play and within the distance the player covers by then. Receivers, chasers and
 * opponents going for a loose ball all run there instead of at the ball itself.
 */
import { REACH, REACH_HEIGHT } from './constants.js';
import { flyBall } from './physics.js';
import type { Ball } from './types.js';

/** Looks this many steps ahead at most; beyond that, the player runs at the end point. */
const HORIZON = 40;

export function interceptPoint(ball: Ball, x: number, y: number, speed: number): [number, number] {
  const b: Ball = { ...ball };
  for (let k = 1; k <= HORIZON; k++) {
    flyBall(b);
    if (b.z <= REACH_HEIGHT && Math.hypot(b.x - x, b.y - y) <= speed * k + REACH) return [b.x, b.y];
    if (b.vx === 0 && b.vy === 0 && b.z === 0) break;
  }
  return [b.x, b.y];
}
