/**
 * Rewards. Three terms, combinable with commas in the `reward` option (default `magebench`).
 *
 * magebench: MageBench's shaped Football reward, with these constants:
 *   - progress: 0.8 per unit the ball's x (while our team has it) gains over its best so far;
 *   - opponents passed: 1/11 per opponent newly left behind the ball (x below it), over the best so far;
 *   - completed pass: 0.3 x lane clearance (0..1, nearest opponent to the path over 0.1 units)
 *     x 0.75^k, k the passes completed before it;
 *   - shot: its quality when struck, closeness (1 - distance/0.8, >= 0) x (0.5 + 0.5 x lane
 *     clearance), at most 2/3;
 *   - goal: +2;
 *   - losing the ball to the other team (tackle, interception, own goal) other than by a shot:
 *     -0.2 (the ball going out of play ends the episode without this term).
 * scoring: +1 a goal, -1 an own goal (Google Research Football's scoring reward: +1 scored, -1 conceded).
 * checkpoints: +0.1 for each of ten zones of distance to the goal reached with the ball (radii
 *   0.99 - 0.8 i / 9, i = 0..9: 0.99 down to 0.19), the zones not yet reached paid on a goal (Google
 *   Research Football's CheckpointRewardWrapper).
 * The episode score is the accumulated reward x 20 (MageBench's scale).
 */
import { dist } from './geometry.js';
import type { FootballState, Kick, RewardMode } from './types.js';

export const MAGEBENCH = {
  progressPerUnit: 0.8,
  perOpponentPassed: 1 / 11,
  passBase: 0.3,
  passDecay: 0.75,
  shotCap: 2 / 3,
  shotRange: 0.8,
  goal: 2,
  loss: -0.2,
} as const;
export const SCORING_GOAL = 1;
export const CHECKPOINT = { reward: 0.1, zones: 10, first: 0.99, step: 0.8 / 9 } as const;
export const SCORE_SCALE = 20;

/** Opponents whose x is below the ball's (left behind by the attack). */
export function opponentsBehind(s: Pick<FootballState, 'players' | 'nLeft'>, ballX: number): number {
  let n = 0;
  for (let j = s.nLeft; j < s.players.length; j++) if (s.players[j].x < ballX) n++;
  return n;
}

/** Checkpoint zones reached at distance `d` from the goal centre (zone i: d <= 0.99 - 0.8 i / 9). */
export function zonesAt(d: number): number {
  let n = 0;
  for (let i = 0; i < CHECKPOINT.zones; i++) if (d <= CHECKPOINT.first - CHECKPOINT.step * i) n++;
  return n;
}

/** Shot quality (before the cap): close and through a clear lane. */
export function shotQuality(x: number, y: number, clearance: number): number {
  const close = Math.max(0, 1 - dist(x, y, 1, 0) / MAGEBENCH.shotRange);
  return close * (0.5 + 0.5 * clearance);
}

export interface RewardInput {
  modes: readonly RewardMode[];
  /** The state after the step, with its bookkeeping not yet updated. */
  next: FootballState;
  /** Kicks struck this step, and passes completed this step (the kick that was received). */
  struck: Kick | null;
  completed: Kick | null;
  goal: boolean;
  /** The ball crossed our own goal line inside the posts (also counted as `lost`). */
  ownGoal: boolean;
  lost: boolean;
}

export interface RewardOutput {
  reward: number;
  bestX: number;
  bestBehind: number;
  passes: number;
  checkpoints: number;
}

export function computeReward(r: RewardInput): RewardOutput {
  const s = r.next;
  const ours = s.ball.owner >= 0 && s.ball.owner < s.nLeft;
  let reward = 0;
  let { bestX, bestBehind, passes, checkpoints } = s;
  const mage = r.modes.includes('magebench');
  if (ours) {
    if (s.ball.x > bestX) {
      if (mage) reward += MAGEBENCH.progressPerUnit * (s.ball.x - bestX);
      bestX = s.ball.x;
    }
    const behind = opponentsBehind(s, s.ball.x);
    if (behind > bestBehind) {
      if (mage) reward += MAGEBENCH.perOpponentPassed * (behind - bestBehind);
      bestBehind = behind;
    }
  }
  if (r.completed) {
    if (mage) reward += MAGEBENCH.passBase * r.completed.clearance * Math.pow(MAGEBENCH.passDecay, passes);
    passes++;
  }
  if (r.struck?.kind === 'shot' && mage) {
    reward += Math.min(MAGEBENCH.shotCap, shotQuality(r.struck.x0, r.struck.y0, r.struck.clearance));
  }
  if (r.goal && mage) reward += MAGEBENCH.goal;
  if (r.lost && mage) reward += MAGEBENCH.loss;
  if (r.modes.includes('scoring')) {
    if (r.goal) reward += SCORING_GOAL;
    if (r.ownGoal) reward -= SCORING_GOAL;
  }
  if (r.modes.includes('checkpoints')) {
    const zones = r.goal ? CHECKPOINT.zones : ours ? zonesAt(dist(s.ball.x, s.ball.y, 1, 0)) : checkpoints;
    if (zones > checkpoints) {
      reward += CHECKPOINT.reward * (zones - checkpoints);
      checkpoints = zones;
    }
  } else if (ours) {
    checkpoints = Math.max(checkpoints, zonesAt(dist(s.ball.x, s.ball.y, 1, 0)));
  }
  return { reward, bestX, bestBehind, passes, checkpoints };
}

/** Parses the `reward` option ("magebench", "scoring,checkpoints", ...); null if malformed. */
export function parseRewardModes(spec: string): RewardMode[] | null {
  const parts = spec.split(',').map((p) => p.trim()).filter((p) => p !== '');
  const ok = parts.length > 0 && parts.every((p) => p === 'magebench' || p === 'scoring' || p === 'checkpoints');
  return ok ? [...new Set(parts as RewardMode[])] : null;
}
