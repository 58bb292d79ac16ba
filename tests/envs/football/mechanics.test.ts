/** Targeted checks of single mechanics on hand-built situations. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeRng } from '../../../envs/core/rng.js';
import { planTargets } from '../../../envs/football/ai.js';
import { REACH_HEIGHT, SPRINT_SPEED, CARRY_FACTOR, TACKLE_CHANCE } from '../../../envs/football/constants.js';
import { distToSegment } from '../../../envs/football/geometry.js';
import { newPath, predictPath } from '../../../envs/football/intercept.js';
import { chooseReceiver, strikePass } from '../../../envs/football/passes.js';
import { DIRECTIONS } from '../../../envs/football/actions.js';
import { carryBall, flyBall } from '../../../envs/football/physics.js';
import { ballEnd, tackle } from '../../../envs/football/possession.js';
import { shotChance, strikeShot } from '../../../envs/football/shots.js';
import { CHECKPOINT, SCORING_GOAL, zonesAt } from '../../../envs/football/reward.js';
import { stepFrame } from '../../../envs/football/step.js';
import { footballGame, FOOTBALL_ACTION as A, FOOTBALL_MAGEBENCH_REWARD, FOOTBALL_SCORE_SCALE } from '../../../envs/football/index.js';
import type { Ball, Player, Role } from '../../../envs/football/types.js';

function p(x: number, y: number, role: Role = 'midfielder', fx = 1): Player {
  return { x, y, vx: 0, vy: 0, fx, fy: 0, tired: 0, role, down: 0, homeX: x, homeY: y };
}

function looseBall(x: number, y: number): Ball {
  return { x, y, z: 0, vx: 0, vy: 0, vz: 0, owner: -1, kick: null, kicker: -1, cooldown: 0 };
}

describe('passes', () => {
  it('go to the teammate along the facing direction', () => {
    // Carrier at the centre, one teammate to the right, one above; no opponents.
    const players = [p(-1, 0, 'keeper'), p(0, 0), p(0.2, 0.01), p(0.01, -0.2)];
    expect(chooseReceiver(players, 4, 1, 'short_pass', 1, 0)).toBe(2);
    expect(chooseReceiver(players, 4, 1, 'short_pass', 0, -1)).toBe(3);
    // Long passes prefer far teammates in the cone; the keeper is a last resort.
    const wide = [p(-1, 0, 'keeper'), p(0, 0), p(0.15, 0), p(0.6, 0.05)];
    expect(chooseReceiver(wide, 4, 1, 'long_pass', 1, 0)).toBe(3);
  });

  it('a high pass flies over head height and lands near its target', () => {
    const ball = looseBall(0, 0);
    strikePass(ball, 'high_pass', 0, 0, 0.5, 0);
    const path = newPath();
    predictPath(ball, path);
    let peak = 0;
    let landed = -1;
    for (let k = 0; k < path.n; k++) {
      peak = Math.max(peak, path.xyz[3 * k + 2]);
      if (landed < 0 && k > 0 && path.xyz[3 * k + 2] === 0) landed = k;
    }
    expect(peak).toBeGreaterThan(REACH_HEIGHT);
    expect(Math.abs(path.xyz[3 * landed] - 0.5)).toBeLessThan(0.06);
  });

  it('a ground pass reaches its target with pace left', () => {
    const ball = looseBall(0, 0);
    strikePass(ball, 'short_pass', 0, 0, 0.3, 0.1);
    const path = newPath();
    predictPath(ball, path);
    let closest = Infinity;
    for (let k = 1; k < path.n; k++) {
      closest = Math.min(closest, distToSegment(0.3, 0.1, path.xyz[3 * k - 3], path.xyz[3 * k - 2], path.xyz[3 * k], path.xyz[3 * k + 1]));
    }
    expect(closest).toBeLessThan(0.005);
  });
});

describe('shots', () => {
  const keeper = p(0.98, 0, 'keeper', -1);
  it('are likelier closer, more central, with the keeper off the line and no pressure', () => {
    const at = (x: number, y: number, others: Player[] = []) => shotChance([p(x, y), keeper, ...others], 1, 0, 0.5).goal;
    expect(at(0.8, 0)).toBeGreaterThan(at(0.6, 0));
    expect(at(0.6, 0)).toBeGreaterThan(at(0.3, 0));
    expect(at(0.8, 0)).toBeGreaterThan(at(0.8, 0.2));
    expect(at(0.8, 0, [p(0.81, 0.02, 'defender', -1)])).toBeLessThan(at(0.8, 0));
    const offLine = shotChance([p(0.8, 0), p(0.98, 0.1, 'keeper', -1)], 1, 0, 0.5).goal;
    expect(offLine).toBeGreaterThan(at(0.8, 0));
    // An empty goal from close range is near-certain.
    expect(shotChance([p(0.85, 0)], 1, 0, 0).goal).toBeGreaterThan(0.9);
  });
});

describe('shots fly as drawn', () => {
  // The ball starts at the shooter's feet, a little ahead of him along his facing direction, and
  // may travel 0.06 a step: neither may turn a goal into a miss or a miss into a goal.
  it('a goal crosses the line inside the posts and a miss outside, whichever way the shooter faces', () => {
    let checked = 0;
    for (const x of [0.5, 0.7, 0.8, 0.9, 0.97]) {
      for (const y of [-0.3, -0.12, -0.03, 0, 0.05, 0.15, 0.3]) {
        for (let dir = 1; dir <= 8; dir++) {
          for (const u of [0, 0.37, 0.99]) {
            for (const outcome of ['goal', 'miss'] as const) {
              const shooter = p(x, y, 'forward');
              [shooter.fx, shooter.fy] = DIRECTIONS[dir];
              const ball = looseBall(0, 0);
              carryBall(ball, shooter);
              strikeShot(ball, [shooter], 1, outcome, u);
              let end: string | null = null;
              for (let t = 0; t < 200 && end === null; t++) {
                const [px, py, pz] = [ball.x, ball.y, ball.z];
                flyBall(ball);
                end = ballEnd(ball, px, py, pz);
              }
              expect(end, `${outcome} from (${x}, ${y}) facing ${dir}, u ${u}`).toBe(outcome === 'goal' ? 'goal' : 'out');
              checked++;
            }
          }
        }
      }
    }
    expect(checked).toBe(5 * 7 * 8 * 3 * 2);
  });

  it('a ball is judged where it crossed the goal line, not where the step left it', () => {
    // From just inside the post to wide of it in one step: it went in.
    const ball = { ...looseBall(1.03, 0.06) };
    expect(ballEnd(ball, 0.97, 0.02, 0)).toBe('goal');
    expect(ballEnd(ball, 0.97, 0.06, 0)).toBe('out');
    expect(ballEnd({ ...looseBall(-1.02, 0.05) }, -0.98, 0.01, 0)).toBe('own_goal');
    expect(ballEnd({ ...looseBall(0.5, 0.43) }, 0.5, 0.41, 0)).toBe('out');
    expect(ballEnd({ ...looseBall(0.5, 0.4) }, 0.5, 0.39, 0)).toBeNull();
  });
});

describe('opponents', () => {
  it('the keeper stands on the line between ball and goal', () => {
    const players = [p(-1, 0, 'keeper'), p(0.6, 0.15), p(0.98, 0, 'keeper', -1)];
    const ball: Ball = { ...looseBall(0.61, 0.15), owner: 1 };
    const out = new Float64Array(9);
    planTargets({ players, nLeft: 2, ball, active: 1, difficulty: 0.5, opponentSpeed: 0.8, path: newPath() }, out);
    expect(distToSegment(out[6], out[7], ball.x, ball.y, 1, 0)).toBeLessThan(0.01);
    expect(out[6]).toBeGreaterThan(0.85);
  });

  it('tackle less often against a dribbling carrier', () => {
    const players = [p(0, 0), p(0.015, 0, 'defender', -1)];
    let plain = 0;
    let dribbling = 0;
    for (let frame = 0; frame < 4000; frame++) {
      if (tackle({ ...looseBall(0, 0), owner: 0 }, players, 1, 1, false, 7, frame).via) plain++;
      if (tackle({ ...looseBall(0, 0), owner: 0 }, players, 1, 1, true, 7, frame).via) dribbling++;
    }
    expect(plain / 4000).toBeCloseTo(TACKLE_CHANCE[1], 1);
    expect(dribbling / plain).toBeGreaterThan(0.35);
    expect(dribbling / plain).toBeLessThan(0.65);
  });
});

describe('the controlled player', () => {
  it('sprints right with the ball at the carrying sprint speed, sticky until released', () => {
    const o = footballGame.resolveOptions({ scenario: 'empty-goal' });
    let s = footballGame.initial(makeRng(3), o);
    s = footballGame.step(s, A.sprint, o).state;
    s = footballGame.step(s, A.right, o).state;
    for (let t = 0; t < 15; t++) s = footballGame.step(s, A.idle, o).state;
    const me = s.players[s.active];
    expect(me.vx).toBeCloseTo(SPRINT_SPEED * CARRY_FACTOR * (1 - 0.25 * me.tired), 4);
    s = footballGame.step(s, A.release_direction, o).state;
    for (let t = 0; t < 15; t++) s = footballGame.step(s, A.idle, o).state;
    expect(Math.abs(s.players[s.active].vx)).toBeLessThan(1e-4);
    expect(s.ball.owner).toBe(s.active);
  });

  it('an own goal ends the episode as lost: -1 under scoring, the -0.2 loss under magebench', () => {
    const o = footballGame.resolveOptions({ scenario: 'empty-goal' });
    const start = footballGame.initial(makeRng(0), o);
    // Our keeper off his line, the ball rolling into our own net.
    const players = start.players.map((q, i) => (i === 0 ? { ...q, y: 0.35 } : q));
    const s = { ...start, players, ball: { ...looseBall(-0.97, 0.01), vx: -0.04 }, active: 1 };
    for (const [modes, reward] of [[['scoring'], -1], [['magebench'], -0.2], [['checkpoints'], 0]] as const) {
      const r = stepFrame(s, A.idle, modes);
      expect(r.state.end).toBe('lost');
      expect(r.state.events).toContain('own_goal');
      expect(r.reward).toBeCloseTo(reward, 12);
    }
    // The scoreline counts it for them: raw state, text and the frame's score strip.
    const end = stepFrame(s, A.idle, ['magebench']).state;
    expect(footballGame.toJson(end, o).score).toEqual([0, 1]);
    expect(footballGame.text(end, o)).toMatch(/Score 0-1\..*\n[^]*Episode over: own goal/);
  });

  it('magebench terms: progress, opponents passed, decaying passes, capped shots', async () => {
    const { computeReward } = await import('../../../envs/football/reward.js');
    const o = footballGame.resolveOptions({ scenario: '3v1-keeper' });
    const s0 = footballGame.initial(makeRng(0), o);
    const base = { modes: ['magebench'] as const, struck: null, completed: null, goal: false, ownGoal: false, lost: false };
    const kick = { kind: 'short_pass' as const, from: 1, to: 2, outcome: null, x0: 0.5, y0: 0, clearance: 1 };
    // The ball, ours, 0.1 further on than its best, with one more opponent behind it.
    const ahead = { ...s0, ball: { ...s0.ball, x: s0.bestX + 0.1 }, bestBehind: 0 };
    const behind = s0.players.slice(s0.nLeft).filter((q) => q.x < ahead.ball.x).length;
    expect(computeReward({ ...base, next: ahead }).reward).toBeCloseTo(0.8 * 0.1 + behind / 11, 12);
    // Nothing new: nothing paid.
    expect(computeReward({ ...base, next: { ...s0, bestBehind: 11 } }).reward).toBe(0);
    // The third completed pass pays 0.3 x clearance x 0.75^2 and counts itself.
    const third = computeReward({ ...base, next: { ...s0, passes: 2, bestBehind: 11 }, completed: { ...kick, clearance: 0.5 } });
    expect(third.reward).toBeCloseTo(0.3 * 0.5 * 0.75 ** 2, 12);
    expect(third.passes).toBe(3);
    // A clear shot from 0.1 out is worth 0.875 before the cap of 2/3; from 0.6 out, 0.25.
    const shot = (x0: number) => computeReward({ ...base, next: { ...s0, bestBehind: 11 }, struck: { ...kick, kind: 'shot', to: -1, x0, clearance: 1 } }).reward;
    expect(shot(0.9)).toBeCloseTo(2 / 3, 12);
    expect(shot(0.4)).toBeCloseTo(0.25, 12);
  });

  it("the README's reward constants are the code's", () => {
    const readme = readFileSync(new URL('../../../envs/football/README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Rewards'), readme.indexOf('## Episode End'));
    const bold = [...section.matchAll(/\*\*([+-]?[\d.]+)(?:\/([\d.]+))?\*\*/g)].map((m) => Number(m[1]) / (m[2] ? Number(m[2]) : 1));
    const M = FOOTBALL_MAGEBENCH_REWARD;
    // In the README's order: the magebench terms, scoring, checkpoints, the score scale.
    const code = [M.progressPerUnit, M.perOpponentPassed, M.passBase, M.passDecay, M.shotRange, M.shotCap, M.goal, M.loss, SCORING_GOAL, -SCORING_GOAL, CHECKPOINT.reward, FOOTBALL_SCORE_SCALE];
    expect(bold).toHaveLength(code.length);
    bold.forEach((v, i) => expect(v).toBeCloseTo(code[i], 12));
  });

  it('checkpoint zones count the distance bands reached', () => {
    // Google Research Football's CheckpointRewardWrapper: zone k reached at d <= 0.99 - 0.8 k / 9.
    expect(zonesAt(1.5)).toBe(0);
    expect(zonesAt(0.991)).toBe(0);
    expect(zonesAt(0.99)).toBe(1);
    expect(zonesAt(0.95)).toBe(1);
    expect(zonesAt(0.9)).toBe(2);
    expect(zonesAt(0.2)).toBe(9);
    expect(zonesAt(0.189)).toBe(10);
    expect(zonesAt(0)).toBe(10);
  });
});
