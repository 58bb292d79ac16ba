/**
 * One Football decision step for training and the leaderboard: every Football entry of every suite
 * in assets/benchmarks/ plays with exactly FOOTBALL_ONLINE_OPTIONS, the options training's Football
 * task plays with (plus its own decision cap), so a checkpoint is scored on the step it learned.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FOOTBALL_ONLINE_OPTIONS, make } from '../../../../envs/index.js';
import { BENCHMARK_DIR, loadSuite } from '../../../../training/eval/leaderboard/suite.js';
import { footballEnv } from '../../../../training/tasks/football/task.js';

const suites = readdirSync(BENCHMARK_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => loadSuite(f.slice(0, -'.json'.length)));

describe('the Football decision step', () => {
  it('every suite\'s Football entries use the online options, and every tier is in the default suite', () => {
    let football = 0;
    for (const suite of suites) {
      for (const e of suite.entries.filter((x) => x.env_id.startsWith('Football-'))) {
        expect({ suite: suite.name, entry: e.id, options: e.options }).toEqual({ suite: suite.name, entry: e.id, options: FOOTBALL_ONLINE_OPTIONS });
        football++;
      }
    }
    expect(football).toBeGreaterThan(0);
    expect(suites.find((s) => s.name === 'default')!.entries.filter((e) => e.env_id.startsWith('Football-'))).toHaveLength(9);
  });

  it('training plays the same options, with its own cap on decisions', () => {
    const env = footballEnv('empty-goal', 6);
    expect(env.options).toMatchObject({ ...FOOTBALL_ONLINE_OPTIONS, max_steps: 6 });
    // The leaderboard's entry leaves max_steps at its default: 400 frames allow 400 decisions at most.
    expect(make('Football-empty-goal-v0', { ...FOOTBALL_ONLINE_OPTIONS }).options).toMatchObject({ max_steps: 400, max_frames: 400 });
  });
});
