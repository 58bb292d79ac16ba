/**
 * Units and tuning of the football game. Positions are in Google Research Football's pitch units
 * (x in [-1, 1], y in [-0.42, 0.42], y grows downwards, "top" is -y); one step is 100 ms of play,
 * so 1 unit ~ 52.5 m and a speed of 0.01 unit/step ~ 5.3 m/s.
 */

export const PITCH_X = 1;
export const PITCH_Y = 0.42;
/** Goal posts at y = +-0.044 on x = +-1; the crossbar at 2.44 m. */
export const GOAL_HALF_WIDTH = 0.044;
export const GOAL_HEIGHT = 0.0465;

// --- players ---
/** Jogging and sprinting top speeds (unit/step) of a fresh player. */
export const RUN_SPEED = 0.0105;
export const SPRINT_SPEED = 0.0145;
/** Dribbling (close control) and carrying the ball slow a player down. */
export const DRIBBLE_FACTOR = 0.8;
export const CARRY_FACTOR = 0.92;
/** Fraction of the gap to the desired velocity closed each step (inertia). */
export const ACCELERATION = 0.45;
/** Tiredness grows while sprinting, falls otherwise; at 1 a player is 25% slower. */
export const TIRE_RATE = 0.004;
export const RECOVER_RATE = 0.002;
export const TIRED_SLOWDOWN = 0.25;
/** Steps a sliding player stays down. */
export const SLIDE_STEPS = 6;

// --- ball ---
/** Velocity kept per step rolling on the grass, and flying. */
export const GROUND_FRICTION = 0.96;
export const AIR_FRICTION = 0.99;
/** 9.8 m/s^2 in units/step^2. */
export const GRAVITY = 0.00187;
/** Vertical speed kept (and flipped) on a bounce; below MIN_BOUNCE the ball stops bouncing. */
export const BOUNCE = 0.45;
export const MIN_BOUNCE = 0.002;
/** Where a carried ball sits in front of the carrier's feet. */
export const CARRY_OFFSET = 0.011;
/** A player reaches a ball this close and this low. */
export const REACH = 0.016;
export const REACH_HEIGHT = 0.02;
/** The keeper reaches further and higher (hands). */
export const KEEPER_REACH = 0.03;
export const KEEPER_REACH_HEIGHT = 0.05;
/** A sliding player reaches further along the ground. */
export const SLIDE_REACH = 0.032;
/** Steps after a kick during which the kicker cannot touch the ball again. */
export const KICK_COOLDOWN = 4;

// --- passes and shots ---
/** A pass of each kind travels about this far at most, and at least. */
export const SHORT_PASS_RANGE: readonly [number, number] = [0.06, 0.4];
export const LONG_PASS_RANGE: readonly [number, number] = [0.25, 1.0];
export const HIGH_PASS_RANGE: readonly [number, number] = [0.15, 0.9];
/** Receivers considered lie within this angle (radians) of the facing direction. */
export const PASS_CONE = Math.PI / 2.5;
export const SHOT_SPEED = 0.06;

// --- opponents (scaled by difficulty in ai.ts) ---
/** Radius within which an opponent can tackle the carrier. */
export const TACKLE_RADIUS = 0.02;
/** Per-step tackle success at difficulty 0 and 1, halved while dribbling (less from behind). */
export const TACKLE_CHANCE: readonly [number, number] = [0.06, 0.24];
/** Opponents' speed relative to ours at difficulty 0 and 1. */
export const OPPONENT_SPEED: readonly [number, number] = [0.7, 0.92];
/** Opponents' acceleration (reaction) at difficulty 0 and 1. */
export const OPPONENT_REACTION: readonly [number, number] = [0.2, 0.5];
/** "Near" for adaptive repeat: an opponent this close stops a repeated move. */
export const NEAR_OPPONENT = 0.1;
