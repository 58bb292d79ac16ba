/**
 * Where a player running at `speed` can first meet a moving ball. The ball's path is played
 * forward once per step with the game's own physics (`predictPath`), then each chaser scans it
 * for the first point that is low enough to play and within the distance they cover by then.
 * Receivers, chasers and opponents going for a loose ball all run there, not at the ball.
 */
import { REACH, REACH_HEIGHT } from './constants.js';
import { advance, groundFriction, packBall } from './physics.js';
import type { Ball } from './types.js';

/** Steps looked ahead; beyond that, a chaser runs at the last point. */
export const HORIZON = 40;

/** A predicted path: x, y, z per step (1..n) and its length. */
export interface BallPath {
  xyz: Float64Array;
  n: number;
}

export function newPath(): BallPath {
  return { xyz: new Float64Array(3 * HORIZON), n: 0 };
}

const scratch = new Float64Array(6);

/** Fills `path` with the ball's next positions (stopping early once it is at rest). */
export function predictPath(ball: Ball, path: BallPath): void {
  const b = scratch;
  packBall(ball, b);
  const friction = groundFriction(ball);
  let n = 0;
  while (n < HORIZON) {
    advance(b, friction);
    path.xyz[3 * n] = b[0];
    path.xyz[3 * n + 1] = b[1];
    path.xyz[3 * n + 2] = b[2];
    n++;
    if (b[3] === 0 && b[4] === 0 && b[2] === 0 && b[5] === 0) break;
  }
  path.n = n;
}

/** The first point of `path` a player at (x, y) reaches in time; the path's end if none. */
export function interceptOnPath(path: BallPath, x: number, y: number, speed: number): [number, number] {
  const p = path.xyz;
  for (let k = 0; k < path.n; k++) {
    const dx = p[3 * k] - x;
    const dy = p[3 * k + 1] - y;
    const reach = speed * (k + 1) + REACH;
    if (p[3 * k + 2] <= REACH_HEIGHT && dx * dx + dy * dy <= reach * reach) return [p[3 * k], p[3 * k + 1]];
  }
  const last = Math.max(0, path.n - 1);
  return path.n > 0 ? [p[3 * last], p[3 * last + 1]] : [x, y];
}
