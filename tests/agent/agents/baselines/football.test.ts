/**
 * The baselines order as they should on every scenario (heuristic > random > idle, by mean score)
 * and the drills are easier than 11 vs 11 for the heuristic. A modest number of seeds keeps this
 * fast; README.md holds the 200-seed calibration table (scripts/football-calibrate.ts).
 */
import { describe, expect, it } from 'vitest';
import { make } from '../../../../envs/core/registry.js';
import { FOOTBALL_IDS } from '../../../../envs/football/index.js';
import { footballHeuristicAgent, idleAgent, randomAgent, rolloutEpisode, rolloutEpisodeSync, type Agent } from '../../../../agent/agents/index.js';

const SEEDS = Array.from({ length: 32 }, (_, i) => 1000 + i);

function evaluate(id: string, agent: Agent): { score: number; goals: number } {
  const env = make(id);
  let score = 0;
  let goals = 0;
  for (const seed of SEEDS) {
    const r = rolloutEpisodeSync(env, agent, seed);
    score += r.score ?? 0;
    if (r.steps[r.steps.length - 1].info.goal) goals++;
  }
  return { score: score / SEEDS.length, goals: goals / SEEDS.length };
}

type Row = Record<'idle' | 'random' | 'heuristic', { score: number; goals: number }>;
const rows = new Map<string, Row>();

/** The three agents on one id, evaluated once and shared by the tests (each runs alone too). */
function rowOf(id: string): Row {
  let row = rows.get(id);
  if (!row) {
    row = {
      idle: evaluate(id, idleAgent()),
      random: evaluate(id, randomAgent(19)),
      heuristic: evaluate(id, footballHeuristicAgent()),
    };
    rows.set(id, row);
  }
  return row;
}

describe('football baselines', () => {
  for (const id of FOOTBALL_IDS) {
    it(`${id}: heuristic > random > idle`, () => {
      const row = rowOf(id);
      expect(row.heuristic.score).toBeGreaterThan(row.random.score);
      expect(row.random.score).toBeGreaterThan(row.idle.score);
    });
  }

  it('drills are easier than 11 vs 11', () => {
    // Every drill scores higher for the heuristic; goals, rarer, are compared over all drills.
    const full = rowOf('Football-11v11-v0').heuristic;
    const drills = FOOTBALL_IDS.filter((id) => id !== 'Football-11v11-v0');
    for (const id of drills) expect(rowOf(id).heuristic.score).toBeGreaterThan(full.score);
    const drillGoals = drills.reduce((a, id) => a + rowOf(id).heuristic.goals, 0) / drills.length;
    expect(drillGoals).toBeGreaterThan(full.goals);
  });

  it('the scripted attacker scores goals in 11 vs 11', () => {
    // Goals are rare there (about 1%, see envs/football/README.md), so this counts over 200 seeds.
    const env = make('Football-11v11-v0');
    let goals = 0;
    for (let seed = 0; seed < 200; seed++) {
      const r = rolloutEpisodeSync(env, footballHeuristicAgent(), seed);
      if (r.steps[r.steps.length - 1].info.goal === true) goals++;
    }
    expect(goals).toBeGreaterThan(0);
  });

  it('rolloutEpisodeSync refuses an asynchronous agent, naming it', () => {
    const env = make('Football-empty-goal-close-v0');
    const slow: Agent = { name: 'remote', act: async () => ({ action: 0 }) };
    expect(() => rolloutEpisodeSync(env, slow, 0)).toThrow(/agent "remote" is asynchronous/);
  });

  it('rolloutEpisode returns per-step records and frames on request', async () => {
    const env = make('Football-empty-goal-close-v0');
    const r = await rolloutEpisode(env, footballHeuristicAgent(), 3, { frames: true });
    expect(r.frames).toHaveLength(r.length + 1);
    expect(r.steps[r.steps.length - 1].terminated).toBe(true);
    expect(r.score).toBeCloseTo(r.return * 20, 9);
    const again = rolloutEpisodeSync(env, footballHeuristicAgent(), 3);
    expect(again.steps.map((s) => s.action)).toEqual(r.steps.map((s) => s.action));
    expect(again.frames).toBeUndefined();
  });
});
