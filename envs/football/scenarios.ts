/**
 * Scenario generation: every scenario is drawn from the seed (positions with noise, which side the
 * play starts on, which formations meet), then checked: the carrier must start with room (no
 * opponent within 0.06 units in drills, 0.1 in 11 vs 11); a draw that fails is redrawn from the
 * same stream (deterministic), at most 50 times.
 *
 * Drills follow Google Research Football's academy; `11v11` sets two formation templates against
 * each other around a seeded ball position, the left team in possession.
 */
import type { Rng } from '../core/rng.js';
import { PITCH_X, PITCH_Y } from './constants.js';
import { clamp } from './geometry.js';
import type { Player, Role, ScenarioId } from './types.js';

export interface Lineup {
  players: Player[];
  nLeft: number;
  /** Index of the left player who starts with the ball. */
  carrier: number;
}

/** Default difficulty of each scenario (the counter-attacks differ only here and in numbers). */
export const SCENARIO_DIFFICULTY: Record<ScenarioId, number> = {
  'empty-goal-close': 0,
  'empty-goal': 0,
  'run-to-score': 0.3,
  'run-to-score-keeper': 0.3,
  'pass-shoot-keeper': 0.3,
  '3v1-keeper': 0.3,
  'counterattack-easy': 0.2,
  'counterattack-hard': 0.7,
  '11v11': 0.7,
};

type Spot = readonly [number, number, Role];

function player(x: number, y: number, role: Role, left: boolean): Player {
  const px = clamp(x, -PITCH_X, PITCH_X);
  const py = clamp(y, -PITCH_Y + 0.01, PITCH_Y - 0.01);
  return { x: px, y: py, vx: 0, vy: 0, fx: left ? 1 : -1, fy: 0, tired: 0, role, down: 0, homeX: px, homeY: py };
}

/** Uniform noise in [-a, a]. */
function noise(rng: Rng, a: number): number {
  return (rng.next() * 2 - 1) * a;
}

function build(rng: Rng, left: readonly Spot[], right: readonly Spot[], jitter: number, carrier: number): Lineup {
  const players: Player[] = [];
  for (const [x, y, role] of left) players.push(player(role === 'keeper' ? x : x + noise(rng, jitter), y + (role === 'keeper' ? 0 : noise(rng, jitter)), role, true));
  for (const [x, y, role] of right) players.push(player(role === 'keeper' ? x : x + noise(rng, jitter), y + (role === 'keeper' ? 0 : noise(rng, jitter)), role, false));
  return { players, nLeft: left.length, carrier };
}

const OUR_KEEPER: Spot = [-1, 0, 'keeper'];
const THEIR_KEEPER: Spot = [1, 0, 'keeper'];

/** Drills: [left spots (carrier second, after our keeper)], [right spots]. */
function drill(id: ScenarioId, rng: Rng): Lineup {
  const y = noise(rng, 0.12);
  switch (id) {
    case 'empty-goal-close':
      return build(rng, [OUR_KEEPER, [0.77, y, 'forward']], [], 0.03, 1);
    case 'empty-goal':
      return build(rng, [OUR_KEEPER, [0.02, y, 'forward']], [], 0.03, 1);
    case 'run-to-score': {
      // Five defenders a few metres behind, who must chase.
      const chasers: Spot[] = [-0.12, -0.06, 0, 0.06, 0.12].map((dy) => [-0.1 + noise(rng, 0.03), y + dy * 2, 'defender'] as const);
      return build(rng, [OUR_KEEPER, [0, y, 'forward']], chasers, 0.02, 1);
    }
    case 'run-to-score-keeper':
      return build(rng, [OUR_KEEPER, [0.45, y, 'forward']], [THEIR_KEEPER, [0.3, y - 0.1, 'defender'], [0.3, y + 0.1, 'defender']], 0.03, 1);
    case 'pass-shoot-keeper': {
      const side = rng.next() < 0.5 ? -1 : 1;
      return build(
        rng,
        [OUR_KEEPER, [0.62, side * 0.25, 'forward'], [0.6, -side * 0.02, 'forward']],
        [THEIR_KEEPER, [0.74, side * 0.17, 'defender']],
        0.03,
        1,
      );
    }
    case '3v1-keeper':
      return build(
        rng,
        [OUR_KEEPER, [0.6, y * 0.5, 'midfielder'], [0.7, -0.2, 'forward'], [0.7, 0.2, 'forward']],
        [THEIR_KEEPER, [0.77, y * 0.5, 'defender']],
        0.03,
        1,
      );
    case 'counterattack-easy':
    case 'counterattack-hard': {
      const hard = id === 'counterattack-hard';
      const attack: Spot[] = [
        OUR_KEEPER,
        [0.25, y * 0.5, 'midfielder'],
        [0.4, -0.22, 'forward'],
        [0.42, 0.2, 'forward'],
        [0.3, 0.1 - y * 0.5, 'midfielder'],
        [-0.5, -0.15, 'defender'],
        [-0.5, 0.15, 'defender'],
      ];
      // Chasers start behind the ball: a few metres back on the hard tier, further on the easy one.
      const defence: Spot[] = hard
        ? [THEIR_KEEPER, [0.62, -0.1, 'defender'], [0.62, 0.1, 'defender'], [0.04, -0.12, 'midfielder'], [0.04, 0.15, 'midfielder']]
        : [THEIR_KEEPER, [0.6, 0, 'defender'], [-0.05, -0.1, 'midfielder'], [-0.05, 0.15, 'midfielder']];
      return build(rng, attack, defence, 0.04, 1);
    }
    default:
      throw new Error(`not a drill: ${id}`);
  }
}

/** Formation templates for a team attacking to the right with the ball at x = 0 (keeper first). */
const FORMATIONS: Record<string, readonly Spot[]> = {
  '4-4-2': [
    OUR_KEEPER,
    [-0.6, -0.27, 'defender'], [-0.64, -0.09, 'defender'], [-0.64, 0.09, 'defender'], [-0.6, 0.27, 'defender'],
    [-0.28, -0.28, 'midfielder'], [-0.32, -0.09, 'midfielder'], [-0.32, 0.09, 'midfielder'], [-0.28, 0.28, 'midfielder'],
    [0.02, -0.1, 'forward'], [0.02, 0.1, 'forward'],
  ],
  '4-3-3': [
    OUR_KEEPER,
    [-0.6, -0.27, 'defender'], [-0.64, -0.09, 'defender'], [-0.64, 0.09, 'defender'], [-0.6, 0.27, 'defender'],
    [-0.3, -0.18, 'midfielder'], [-0.36, 0, 'midfielder'], [-0.3, 0.18, 'midfielder'],
    [0, -0.28, 'forward'], [0.05, 0, 'forward'], [0, 0.28, 'forward'],
  ],
  '4-2-3-1': [
    OUR_KEEPER,
    [-0.6, -0.27, 'defender'], [-0.64, -0.09, 'defender'], [-0.64, 0.09, 'defender'], [-0.6, 0.27, 'defender'],
    [-0.4, -0.1, 'midfielder'], [-0.4, 0.1, 'midfielder'],
    [-0.15, -0.26, 'midfielder'], [-0.12, 0, 'midfielder'], [-0.15, 0.26, 'midfielder'],
    [0.06, 0, 'forward'],
  ],
  '3-5-2': [
    OUR_KEEPER,
    [-0.62, -0.18, 'defender'], [-0.66, 0, 'defender'], [-0.62, 0.18, 'defender'],
    [-0.25, -0.32, 'midfielder'], [-0.36, -0.12, 'midfielder'], [-0.4, 0.05, 'midfielder'], [-0.33, 0.16, 'midfielder'], [-0.25, 0.32, 'midfielder'],
    [0.02, -0.1, 'forward'], [0.02, 0.1, 'forward'],
  ],
};
export const FORMATION_NAMES = Object.keys(FORMATIONS);

function elevenVsEleven(rng: Rng): Lineup {
  const ours = FORMATIONS[rng.pick(FORMATION_NAMES)];
  const theirs = FORMATIONS[rng.pick(FORMATION_NAMES)];
  // The ball somewhere between our half and theirs; both blocks shift with it.
  const bx = -0.35 + rng.next() * 0.7;
  const by = noise(rng, 0.25);
  const push = 0.35 + 0.5 * bx;
  const left: Spot[] = ours.map(([x, y, role]) => (role === 'keeper' ? [x, y, role] : [x + push, y + by * 0.2, role]));
  // Defending: mirrored and compact, the block between the ball and their goal.
  const block = 0.1 + 0.4 * bx;
  const right: Spot[] = theirs.map(([x, y, role]) => (role === 'keeper' ? THEIR_KEEPER : [clamp(-x * 0.8 + block, -0.6, 0.9), y * 0.9 + by * 0.25, role]));
  const lineup = build(rng, left, right, 0.035, 1);
  // The carrier: our outfield player nearest the ball spot, moved onto it.
  let carrier = 1;
  let best = Infinity;
  for (let i = 1; i < lineup.nLeft; i++) {
    const d = (lineup.players[i].x - bx) ** 2 + (lineup.players[i].y - by) ** 2;
    if (d < best) {
      best = d;
      carrier = i;
    }
  }
  const c = lineup.players[carrier];
  c.x = c.homeX = clamp(bx, -0.9, 0.9);
  c.y = c.homeY = by;
  return { ...lineup, carrier };
}

/** Whether the carrier starts with room: no opponent within `room` units. */
function valid(l: Lineup, room: number): boolean {
  const c = l.players[l.carrier];
  for (let j = l.nLeft; j < l.players.length; j++) {
    if ((l.players[j].x - c.x) ** 2 + (l.players[j].y - c.y) ** 2 < room * room) return false;
  }
  return true;
}

/** Room the carrier gets at kick-off: drills are set pieces, 11 vs 11 starts from a received ball. */
const START_ROOM = { drill: 0.06, full: 0.1 } as const;

/** Draws a scenario; retries from the same stream until the lineup is valid (bounded). */
export function generateLineup(id: ScenarioId, rng: Rng): Lineup {
  for (let attempt = 0; ; attempt++) {
    const lineup = id === '11v11' ? elevenVsEleven(rng) : drill(id, rng);
    if (valid(lineup, id === '11v11' ? START_ROOM.full : START_ROOM.drill) || attempt >= 50) return lineup;
  }
}
