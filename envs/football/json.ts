/** The raw state view: positions, directions, ball and owner, sticky actions, steps left. */
import type { JsonObject } from '../core/types.js';
import { ACTIONS } from './actions.js';
import { minimap } from './minimap.js';
import { scoreline } from './state.js';
import type { FootballOptions, FootballState, Player } from './types.js';

/** Five decimals: plenty for play, and it keeps the JSON short. */
const r = (v: number) => Math.round(v * 1e5) / 1e5;

function playerJson(p: Player, index: number): JsonObject {
  return { index, role: p.role, x: r(p.x), y: r(p.y), vx: r(p.vx), vy: r(p.vy), fx: r(p.fx), fy: r(p.fy), tired: r(p.tired), down: p.down };
}

export function stateJson(s: FootballState, o: FootballOptions): JsonObject {
  const b = s.ball;
  const out: JsonObject = {
    scenario: s.scenario,
    difficulty: s.difficulty,
    frame: s.frame,
    step: s.turn,
    steps_left: Math.max(0, o.max_steps - s.turn),
    active: s.active,
    ball: { x: r(b.x), y: r(b.y), z: r(b.z), vx: r(b.vx), vy: r(b.vy), vz: r(b.vz) },
    ball_owner: b.owner,
    // Google Research Football's convention: -1 nobody, 0 left, 1 right.
    ball_owned_team: b.owner < 0 ? -1 : b.owner < s.nLeft ? 0 : 1,
    kick: b.kick ? { kind: b.kick.kind, from: b.kick.from, to: b.kick.to } : null,
    left_team: s.players.slice(0, s.nLeft).map((p, i) => playerJson(p, i)),
    right_team: s.players.slice(s.nLeft).map((p, i) => playerJson(p, s.nLeft + i)),
    sticky: { direction: s.sticky.dir === 0 ? null : ACTIONS[s.sticky.dir], sprint: s.sticky.sprint, dribble: s.sticky.dribble },
    score: scoreline(s),
    passes: s.passes,
    end: s.end,
    events: [...s.events],
  };
  if (o.state_minimap) out.minimap = Array.from(minimap(s));
  return out;
}
