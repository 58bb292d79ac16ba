/**
 * Who has the ball. A loose ball goes to the first player whose reach its path crossed this step
 * (teammates receive, opponents intercept, the keeper catches with a longer reach); a carrier
 * loses it to an opponent's successful tackle, drawn from the seeded generator. Every change of
 * owner is reported with how it happened (`via`), which the property tests check.
 */
import { SALT, chance } from './chance.js';
import {
  GOAL_HALF_WIDTH,
  GOAL_HEIGHT,
  KEEPER_REACH,
  KEEPER_REACH_HEIGHT,
  PITCH_X,
  PITCH_Y,
  REACH,
  REACH_HEIGHT,
  SLIDE_REACH,
  TACKLE_CHANCE,
  TACKLE_RADIUS,
} from './constants.js';
import { clamp, distToSegment, lerp } from './geometry.js';
import type { Ball, Player, PossessionVia } from './types.js';

export interface PossessionChange {
  via: PossessionVia;
  event: string | null;
}

/**
 * Gives a loose ball to whoever reached it along its path from (px, py) this step. Shots meant to
 * go in or wide touch nobody; a shot meant to be saved touches only the keeper.
 */
export function pickUp(ball: Ball, players: readonly Player[], nLeft: number, px: number, py: number, sliding: number): PossessionChange {
  const none: PossessionChange = { via: null, event: null };
  if (ball.owner >= 0) return none;
  const kick = ball.kick;
  if (kick?.kind === 'shot' && kick.outcome !== 'save') return none;
  let best = -1;
  let bestD = Infinity;
  for (let i = 0; i < players.length; i++) {
    if (i === ball.kicker && ball.cooldown > 0) continue;
    const p = players[i];
    const keeper = p.role === 'keeper' && (i < nLeft ? p.x < -0.7 : p.x > 0.7);
    if (kick?.kind === 'shot' && !(keeper && i >= nLeft)) continue;
    if (p.down > 0 && i !== sliding) continue;
    const reach = keeper ? KEEPER_REACH : i === sliding ? SLIDE_REACH : REACH;
    const height = keeper ? KEEPER_REACH_HEIGHT : REACH_HEIGHT;
    if (ball.z > height) continue;
    const d = distToSegment(p.x, p.y, px, py, ball.x, ball.y);
    // A shot to be saved is always held once it reaches the keeper's line.
    const saved = kick?.kind === 'shot' && ball.x >= p.x - 0.01;
    if ((d <= reach || saved) && d < bestD) {
      bestD = d;
      best = i;
    }
  }
  if (best < 0) return none;
  ball.owner = best;
  ball.vx = ball.vy = ball.vz = 0;
  ball.z = 0;
  if (best < nLeft) {
    // Back with us: a completed pass, or our own loose ball recovered.
    ball.kick = null;
    return { via: 'pass', event: kick && kick.from !== best ? 'receive' : 'recover' };
  }
  const event = kick?.kind === 'shot' ? 'save' : 'interception';
  ball.kick = null;
  return { via: kick?.kind === 'shot' ? 'shot' : 'interception', event };
}

/** Tackles from behind succeed this much less often. */
const BEHIND_FACTOR = 0.4;

/** An opponent within reach of our carrier may win the ball; chance per tackler per step. */
export function tackle(
  ball: Ball,
  players: readonly Player[],
  nLeft: number,
  difficulty: number,
  dribbling: boolean,
  seed: number,
  frame: number,
): PossessionChange {
  if (ball.owner < 0 || ball.owner >= nLeft) return { via: null, event: null };
  const c = players[ball.owner];
  const base = lerp(TACKLE_CHANCE[0], TACKLE_CHANCE[1], difficulty) * (dribbling ? 0.5 : 1);
  for (let j = nLeft; j < players.length; j++) {
    const p = players[j];
    if (p.down > 0) continue;
    const dx = p.x - c.x;
    const dy = p.y - c.y;
    if (dx * dx + dy * dy > TACKLE_RADIUS * TACKLE_RADIUS) continue;
    // From behind (against the carrier's facing) a clean tackle is much harder.
    const behind = dx * c.fx + dy * c.fy < 0;
    if (chance(seed, frame, SALT.tackle + 8 * j) < base * (behind ? BEHIND_FACTOR : 1)) {
      ball.owner = j;
      ball.kick = null;
      return { via: 'tackle', event: 'tackle' };
    }
  }
  return { via: null, event: null };
}

/**
 * Out of play or in the net: where the ball stands after it moved from (px, py, pz). A ball over a
 * goal line is judged where it crossed that line (it may travel several centimetres a step), so a
 * shot inside the post is a goal even if it ends the step wide of it.
 */
export function ballEnd(ball: Ball, px: number, py: number, pz: number): 'goal' | 'own_goal' | 'out' | null {
  if (ball.x >= PITCH_X || ball.x <= -PITCH_X) {
    const line = ball.x >= PITCH_X ? PITCH_X : -PITCH_X;
    const t = ball.x === px ? 1 : clamp((line - px) / (ball.x - px), 0, 1);
    const y = py + (ball.y - py) * t;
    const z = pz + (ball.z - pz) * t;
    const inGoalMouth = Math.abs(y) < GOAL_HALF_WIDTH && z < GOAL_HEIGHT;
    if (!inGoalMouth) return 'out';
    return line > 0 ? 'goal' : 'own_goal';
  }
  if (Math.abs(ball.y) > PITCH_Y) return 'out';
  return null;
}
