/**
 * Motion: players accelerate towards a desired velocity and stay on the pitch; the ball is carried
 * at its owner's feet or flies and rolls (gravity, bounce, air and grass friction). Functions here
 * write into the step's fresh working copies, never into a state that was handed out.
 */
import {
  ACCELERATION,
  AIR_FRICTION,
  BOUNCE,
  CARRY_OFFSET,
  GRAVITY,
  GROUND_FRICTION,
  MIN_BOUNCE,
  PITCH_X,
  PITCH_Y,
  RECOVER_RATE,
  TIRE_RATE,
  TIRED_SLOWDOWN,
} from './constants.js';
import type { Ball, Player } from './types.js';

/** Shot balls are struck hard and skid: they lose less speed on the grass. */
const SHOT_GROUND_FRICTION = 0.985;

/** A fresh copy of a player (the step mutates copies only). */
export function copyPlayer(p: Player): Player {
  return {
    x: p.x, y: p.y, vx: p.vx, vy: p.vy, fx: p.fx, fy: p.fy,
    tired: p.tired, role: p.role, down: p.down, homeX: p.homeX, homeY: p.homeY,
  };
}

export function copyBall(b: Ball): Ball {
  return { ...b };
}

/**
 * Moves a player one step towards velocity (dx, dy) * speed, where (dx, dy) is a unit vector or
 * zero. `accel` is the fraction of the velocity gap closed this step (its reaction).
 */
export function movePlayer(p: Player, dx: number, dy: number, speed: number, accel: number, sprinting: boolean): void {
  if (p.down > 0) {
    // On the ground after a slide: momentum fades, no control.
    p.down--;
    p.vx *= 0.6;
    p.vy *= 0.6;
  } else {
    const top = speed * (1 - TIRED_SLOWDOWN * p.tired);
    p.vx += (dx * top - p.vx) * accel;
    p.vy += (dy * top - p.vy) * accel;
  }
  const moving = p.vx * p.vx + p.vy * p.vy > 1e-8;
  p.tired = sprinting && moving ? Math.min(1, p.tired + TIRE_RATE) : Math.max(0, p.tired - RECOVER_RATE);
  p.x += p.vx;
  p.y += p.vy;
  // Players stay on the pitch: the touchline stops them (and their speed across it).
  if (p.x < -PITCH_X) (p.x = -PITCH_X), (p.vx = 0);
  else if (p.x > PITCH_X) (p.x = PITCH_X), (p.vx = 0);
  if (p.y < -PITCH_Y) (p.y = -PITCH_Y), (p.vy = 0);
  else if (p.y > PITCH_Y) (p.y = PITCH_Y), (p.vy = 0);
  if (dx !== 0 || dy !== 0) {
    p.fx = dx;
    p.fy = dy;
  }
}

/** The ball at its owner's feet, a little ahead along the facing direction. */
export function carryBall(ball: Ball, owner: Player): void {
  ball.x = owner.x + owner.fx * CARRY_OFFSET;
  ball.y = owner.y + owner.fy * CARRY_OFFSET;
  ball.z = 0;
  ball.vx = owner.vx;
  ball.vy = owner.vy;
  ball.vz = 0;
}

/**
 * One step of free flight on a packed ball [x, y, z, vx, vy, vz]: gravity, bounce, air or grass
 * friction, rest. Shared by the game and the AI's path prediction, so both see the same ball.
 */
export function advance(b: Float64Array, groundFriction: number): void {
  b[0] += b[3];
  b[1] += b[4];
  b[2] += b[5];
  if (b[2] > 0) {
    b[5] -= GRAVITY;
    b[3] *= AIR_FRICTION;
    b[4] *= AIR_FRICTION;
  } else {
    b[2] = 0;
    b[5] = b[5] < -MIN_BOUNCE ? -b[5] * BOUNCE : 0;
    b[3] *= groundFriction;
    b[4] *= groundFriction;
  }
  if (b[2] === 0 && b[5] === 0 && b[3] * b[3] + b[4] * b[4] < 1e-8) {
    b[3] = 0;
    b[4] = 0;
  }
}

/** The grass friction a free ball feels (a shot skids further). */
export function groundFriction(ball: Ball): number {
  return ball.kick?.kind === 'shot' ? SHOT_GROUND_FRICTION : GROUND_FRICTION;
}

/** Writes the ball's position and velocity into `out` as [x, y, z, vx, vy, vz] (for `advance`). */
export function packBall(ball: Ball, out: Float64Array): void {
  out[0] = ball.x;
  out[1] = ball.y;
  out[2] = ball.z;
  out[3] = ball.vx;
  out[4] = ball.vy;
  out[5] = ball.vz;
}

const packed = new Float64Array(6);

/** One step of a free ball: flight under gravity, bounces, friction; it comes to rest. */
export function flyBall(ball: Ball): void {
  packBall(ball, packed);
  advance(packed, groundFriction(ball));
  ball.x = packed[0];
  ball.y = packed[1];
  ball.z = packed[2];
  ball.vx = packed[3];
  ball.vy = packed[4];
  ball.vz = packed[5];
  if (ball.cooldown > 0) ball.cooldown--;
}
