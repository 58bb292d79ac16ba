/**
 * A scripted football player for the `Football-*` envs, reading only the raw state of the
 * observation (what any agent may read). Each step, in order of priority:
 *   1. without the ball: idle while a pass to us is on its way (the game runs us onto it), else run
 *      towards where the ball is going;
 *   2. shoot when the estimated chance of scoring is good, or when pressed close to goal; on a
 *      full pitch, from deep, loft a high pass to a teammate further forward in some space;
 *   3. pass to an open teammate through a clear lane: under pressure to anyone not far behind,
 *      otherwise only to one clearly further forward; first face him, then pass (short or long
 *      by distance); pressed with no clear lane, a high pass to a forward in space;
 *   4. otherwise run at goal, stepping diagonally past the nearest defender in the way and
 *      round the keeper, sprinting when free and dribbling when an opponent is close.
 * One action per step, so turning on sprint or dribble waits for a step with no other need.
 */
import type { Action, Observation } from '../../../envs/core/types.js';
import { distToSegment } from '../../../envs/football/geometry.js';
import { goalAngle } from '../../../envs/football/shots.js';
import type { Agent, AgentDecision } from '../agent.js';

interface P {
  index: number;
  role: string;
  x: number;
  y: number;
  vx: number;
  vy: number;
}

interface Raw {
  active: number;
  ball: { x: number; y: number; z: number; vx: number; vy: number };
  ball_owner: number;
  kick: { kind: string; from: number; to: number } | null;
  left_team: P[];
  right_team: P[];
  sticky: { direction: string | null; sprint: boolean; dribble: boolean };
}

const SECTORS = ['right', 'bottom_right', 'bottom', 'bottom_left', 'left', 'top_left', 'top', 'top_right'] as const;

/** The direction action nearest to the vector (dx, dy) (y grows downwards). */
export function octant(dx: number, dy: number): string {
  const sector = ((Math.round(Math.atan2(dy, dx) / (Math.PI / 4)) % 8) + 8) % 8;
  return SECTORS[sector];
}

const hyp = Math.hypot;

/** A rough scoring chance from (x, y): goal angle, the keeper off the shooting line, pressure. */
function shotEstimate(me: P, opponents: readonly P[]): number {
  const angle = goalAngle(me.x, me.y);
  const d = hyp(1 - me.x, me.y);
  let p = Math.min(0.98, Math.pow(angle / 0.25, 1.5)) * Math.max(0.05, Math.min(1, 1.25 - 1.1 * d));
  for (const o of opponents) {
    const lane = distToSegment(o.x, o.y, me.x, me.y, 1, 0);
    if (o.role === 'keeper') p *= Math.min(1, 0.3 + 3 * lane);
    else if (o.x > me.x && lane < 0.015) p *= 0.5;
  }
  return p;
}

/** The scripted attacker's action for one observation (the agent below, without the wrapper). */
export function footballAttackerAction(observation: Observation): Action {
  // The raw state is plain JSON written by envs/football/json.ts; `Raw` names the fields read here.
  return decide(observation.state as unknown as Raw);
}

/** More outfield players than any drill has: the full-pitch game. */
const FULL_TEAM = 6;

export function footballHeuristicAgent(): Agent {
  return {
    name: 'heuristic',
    // Reads only the observation, so episodes may share it.
    concurrency: Infinity,
    act: (observation: Observation): AgentDecision => ({ action: footballAttackerAction(observation) }),
  };
}

function decide(s: Raw): Action {
  const me = s.left_team[s.active];
  const opponents = s.right_team;
  const ball = s.ball;
  const want = (dir: string): Action => (s.sticky.direction === dir ? idleOrToggle(s, false) : dir);

  // --- 1. without the ball ---
  if (s.ball_owner !== s.active) {
    if (s.kick && s.kick.to === s.active) return s.sticky.direction ? 'release_direction' : 'idle';
    const tx = ball.x + ball.vx * 5;
    const ty = ball.y + ball.vy * 5;
    if (hyp(tx - me.x, ty - me.y) < 0.01) return 'release_direction';
    return want(octant(tx - me.x, ty - me.y));
  }

  let nearest: P | null = null;
  let nearD = Infinity;
  for (const o of opponents) {
    const d = hyp(o.x - me.x, o.y - me.y);
    if (d < nearD) {
      nearD = d;
      nearest = o;
    }
  }
  const goalD = hyp(1 - me.x, me.y);

  // --- 2. shoot ---
  const chance = shotEstimate(me, opponents);
  const keeper = opponents.find((o) => o.role === 'keeper') ?? null;
  const keeperD = keeper ? hyp(keeper.x - me.x, keeper.y - me.y) : Infinity;
  if (goalD < 0.6) {
    if (chance > 0.9 || goalD < 0.08) return 'shot';
    if (nearD < 0.05 && chance > 0.1) return 'shot';
    if (keeperD < 0.1 && chance > 0.3) return 'shot';
  }

  // --- 2b. on a full pitch, loft it over the block to a teammate further forward ---
  // Against a packed 11 vs 11 defence a run or a ground pass from deep is nearly always cut out;
  // a high pass flies over everyone, so it is tried first, unless an opponent is close enough to
  // block the ball as it leaves the foot (it is still low for a step).
  if (s.left_team.length > FULL_TEAM && me.x < 0.6 && nearD > 0.03) {
    const fwd = openTeammate(s, me, 0.1, 0.05, false, 0.9);
    if (fwd) {
      const dir = octant(fwd.x - me.x, fwd.y - me.y);
      return s.sticky.direction === dir ? 'high_pass' : dir;
    }
  }

  // --- 3. pass under pressure, or forward to a teammate clearly better placed ---
  if (goalD > 0.15) {
    const pressed = nearD < 0.1;
    const mate = openTeammate(s, me, pressed ? -0.15 : 0.12, pressed ? 0.06 : 0.1, true);
    if (mate) {
      const dir = octant(mate.x - me.x, mate.y - me.y);
      if (s.sticky.direction === dir) return hyp(mate.x - me.x, mate.y - me.y) > 0.35 ? 'long_pass' : 'short_pass';
      return dir;
    }
    // No clear lane on the ground: loft it to a forward in space, over the press.
    const lofted = pressed ? openTeammate(s, me, 0.1, 0.12, false) : null;
    if (lofted && hyp(lofted.x - me.x, lofted.y - me.y) > 0.2) {
      const dir = octant(lofted.x - me.x, lofted.y - me.y);
      return s.sticky.direction === dir ? 'high_pass' : dir;
    }
  }

  // --- 4. run at goal, past the defender in the way and round the keeper ---
  let tx = 1;
  let ty = Math.max(-0.03, Math.min(0.03, me.y));
  if (me.x > 0.92 && Math.abs(me.y) > 0.04) {
    // On the byline at a tight angle: cut back inside.
    tx = 0.85;
    ty = 0;
  } else if (keeper && keeperD < 0.25) {
    // Take the keeper off his line: aim past him on the side we are already on.
    const side = me.y >= keeper.y ? 1 : -1;
    tx = Math.min(0.97, keeper.x);
    ty = keeper.y + side * 0.09;
  }
  for (const o of opponents) {
    if (o.role === 'keeper') continue;
    const ahead = o.x - me.x;
    if (ahead < -0.01 || ahead > 0.18) continue;
    if (Math.abs(o.y - me.y) > 0.07) continue;
    // Go round on the side with more room (away from the touchline).
    const side = o.y > me.y ? -1 : 1;
    const room = side < 0 ? me.y + 0.42 : 0.42 - me.y;
    const dodge = room > 0.08 ? side : -side;
    tx = me.x + 0.1;
    ty = me.y + dodge * 0.1;
    break;
  }
  ty = Math.max(-0.36, Math.min(0.36, ty));
  let dx = tx - me.x;
  let dy = ty - me.y;
  if (nearest && nearD < 0.08 && nearest.role !== 'keeper' && nearest.x > me.x - 0.01) {
    // Pressed from the front: lean away from the opponent while still heading upfield.
    const len = hyp(dx, dy) || 1;
    const k = nearD < 0.05 ? 0.9 : 0.5;
    dx = dx / len + (k * (me.x - nearest.x)) / nearD;
    dy = dy / len + (k * (me.y - nearest.y)) / nearD;
    if (Math.abs(me.y) > 0.33 && Math.sign(dy) === Math.sign(me.y)) dy = 0;
  }
  // Close control first when a tackle is coming.
  if (nearD < 0.03 && !s.sticky.dribble) return 'dribble';
  const dir = octant(dx, dy);
  if (s.sticky.direction !== dir) return dir;
  return idleOrToggle(s, nearD < 0.05);
}

/** With nothing else to change: sprint when free, dribble when an opponent is close. */
function idleOrToggle(s: Raw, close: boolean): Action {
  // (`close`: an opponent within 0.05 units.)
  if (close && !s.sticky.dribble) return 'dribble';
  if (!close && s.sticky.dribble) return 'release_dribble';
  if (!s.sticky.sprint) return 'sprint';
  return 'idle';
}

/** The teammate most worth passing to: ahead of us, with room, through a clear lane. */
function openTeammate(s: Raw, me: P, minAhead: number, minSpace: number, ground: boolean, maxD = 0.6): P | null {
  let best: P | null = null;
  let bestScore = 0;
  for (const t of s.left_team) {
    if (t.index === s.active || t.role === 'keeper') continue;
    const d = hyp(t.x - me.x, t.y - me.y);
    if (d < 0.08 || d > maxD || t.x < me.x + minAhead) continue;
    let space = Infinity;
    let lane = Infinity;
    for (const o of s.right_team) {
      space = Math.min(space, hyp(o.x - t.x, o.y - t.y));
      lane = Math.min(lane, distToSegment(o.x, o.y, me.x, me.y, t.x, t.y));
    }
    if (space < minSpace || (ground && lane < 0.06)) continue;
    const score = t.x - me.x + Math.min(space, 0.2) + Math.min(lane, 0.1) + 0.2;
    if (score > bestScore) {
      bestScore = score;
      best = t;
    }
  }
  return best;
}
