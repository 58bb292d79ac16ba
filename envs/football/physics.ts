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

/** One step of a free ball: flight under gravity, bounces, friction; it comes to rest. */
export function flyBall(ball: Ball): void {
  ball.x += ball.vx;
  ball.y += ball.vy;
  ball.z += ball.vz;
  if (ball.z > 0) {
    ball.vz -= GRAVITY;
    ball.vx *= AIR_FRICTION;
    ball.vy *= AIR_FRICTION;
  } else {
    ball.z = 0;
    ball.vz = ball.vz < -MIN_BOUNCE ? -ball.vz * BOUNCE : 0;
    const f = ball.kick?.kind === 'shot' ? SHOT_GROUND_FRICTION : GROUND_FRICTION;
    ball.vx *= f;
    ball.vy *= f;
  }
  if (ball.z === 0 && ball.vz === 0 && ball.vx * ball.vx + ball.vy * ball.vy < 1e-8) {
    ball.vx = 0;
    ball.vy = 0;
  }
  if (ball.cooldown > 0) ball.cooldown--;
}

/** Speed of the ball along the ground. */
export function ballSpeed(ball: Ball): number {
  return Math.hypot(ball.vx, ball.vy);
}
