/** The football game's state: plain data, never mutated once a step has returned it. */
import type { BaseOptions } from '../core/game.js';

export type Role = 'keeper' | 'defender' | 'midfielder' | 'forward';
export type Side = 'left' | 'right';

export interface Player {
  x: number;
  y: number;
  vx: number;
  vy: number;
  /** Facing direction, a unit vector (the way the player last moved). */
  fx: number;
  fy: number;
  /** 0 fresh .. 1 exhausted. */
  tired: number;
  role: Role;
  /** Steps left on the ground after a slide (0 = up). */
  down: number;
  /** Where the shape puts this player (formation slot), for the AI. */
  homeX: number;
  homeY: number;
}

export type KickKind = 'short_pass' | 'long_pass' | 'high_pass' | 'shot';
/** A shot's outcome is drawn when it is struck, from the episode's seeded generator. */
export type ShotOutcome = 'goal' | 'save' | 'miss';

export interface Kick {
  kind: KickKind;
  /** Index of the kicker. */
  from: number;
  /** The intended receiver, -1 for shots and passes into space. */
  to: number;
  outcome: ShotOutcome | null;
  /** Where the kicker stood when he struck it (the shot reward's distance to goal). */
  x0: number;
  y0: number;
  /** Clearance of the path when struck, 0..1. */
  clearance: number;
}

export interface Ball {
  x: number;
  y: number;
  /** Height above the grass. */
  z: number;
  vx: number;
  vy: number;
  vz: number;
  /** Index of the player who has the ball, -1 when it is loose or in flight. */
  owner: number;
  /** The kick in flight, null when owned or after it has run out. */
  kick: Kick | null;
  /** Index of the last kicker and steps until they may touch the ball again. */
  kicker: number;
  cooldown: number;
}

/** Sticky actions of the controlled player: movement (0 none, 1..8 directions), sprint, dribble. */
export interface Sticky {
  dir: number;
  sprint: boolean;
  dribble: boolean;
}

export type EndReason = 'goal' | 'out' | 'lost' | null;
/**
 * How the ball changed hands this step (the possession property tests read it): a pass (struck or
 * received), a shot (struck or caught by the keeper), a tackle, an interception, or 'out' when the
 * carrier took it over a line (which ends the episode).
 */
export type PossessionVia = 'pass' | 'shot' | 'tackle' | 'interception' | 'out' | null;

export interface FootballState {
  scenario: ScenarioId;
  difficulty: number;
  /** Seed of the in-play randomness (tackles, shots), hashed with the frame number. */
  seed: number;
  /** Frames played, and decisions taken (they differ under adaptive repeat). */
  frame: number;
  turn: number;
  /** Left team first (indices 0 .. nLeft-1), then the right team. */
  players: readonly Player[];
  nLeft: number;
  ball: Ball;
  sticky: Sticky;
  /** The left player the agent controls. */
  active: number;
  /** Reward bookkeeping: best ball x with the ball, most opponents behind it, passes, zones. */
  bestX: number;
  bestBehind: number;
  passes: number;
  checkpoints: number;
  end: EndReason;
  /** Events of the last step, e.g. ['short_pass'], ['receive'], ['tackle'] (for info and tests). */
  events: readonly string[];
  via: PossessionVia;
}

export const SCENARIOS = [
  'empty-goal-close',
  'empty-goal',
  'run-to-score',
  'run-to-score-keeper',
  'pass-shoot-keeper',
  '3v1-keeper',
  'counterattack-easy',
  'counterattack-hard',
  '11v11',
] as const;
export type ScenarioId = (typeof SCENARIOS)[number];

export const REWARD_MODES = ['magebench', 'scoring', 'checkpoints'] as const;
export type RewardMode = (typeof REWARD_MODES)[number];

export interface FootballOptions extends BaseOptions {
  scenario: ScenarioId;
  /** 0 (lazy opponents) .. 1 (fast, sharp opponents). */
  difficulty: number;
  /** Reward terms, comma-separated in the option (e.g. "scoring,checkpoints"). */
  reward: string;
  /** MageBench's adaptive repeat: one decision may run several frames. */
  adaptive_repeat: boolean;
  /**
   * Game time of an episode in frames (100 ms each), whatever the decisions: with adaptive repeat
   * `max_steps` bounds decisions, not time, so this is what keeps an episode to the 400 frames of
   * Google Research Football's academy scenarios. The episode is truncated when it is reached.
   */
  max_frames: number;
  /** Include the 4-plane minimap in the raw state (large; off by default). */
  state_minimap: boolean;
}
