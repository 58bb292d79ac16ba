/** The starting state of an episode, from the episode generator and the options. */
import type { Rng } from '../core/rng.js';
import { carryBall } from './physics.js';
import { opponentsBehind } from './reward.js';
import { generateLineup } from './scenarios.js';
import type { Ball, FootballOptions, FootballState } from './types.js';

/** Goals [left, right] so far: an episode ends at its first goal, ours or an own goal. */
export function scoreline(s: Pick<FootballState, 'end' | 'events'>): [number, number] {
  return [s.end === 'goal' ? 1 : 0, s.events.includes('own_goal') ? 1 : 0];
}

export function initialState(rng: Rng, options: FootballOptions): FootballState {
  const lineup = generateLineup(options.scenario, rng);
  const ball: Ball = { x: 0, y: 0, z: 0, vx: 0, vy: 0, vz: 0, owner: lineup.carrier, kick: null, kicker: -1, cooldown: 0 };
  carryBall(ball, lineup.players[lineup.carrier]);
  const base = { players: lineup.players, nLeft: lineup.nLeft };
  return {
    scenario: options.scenario,
    difficulty: options.difficulty,
    seed: rng.seed(),
    frame: 0,
    turn: 0,
    players: lineup.players,
    nLeft: lineup.nLeft,
    ball,
    sticky: { dir: 0, sprint: false, dribble: false },
    active: lineup.carrier,
    bestX: ball.x,
    bestBehind: opponentsBehind(base, ball.x),
    passes: 0,
    // As in Google Research Football, zones already reached at kick-off pay on the first step.
    checkpoints: 0,
    end: null,
    events: [],
    via: null,
  };
}
