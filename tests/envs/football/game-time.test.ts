/**
 * Football's game-time cap (`max_frames`): with adaptive repeat `max_steps` counts decisions, so the
 * frame cap is what bounds an episode in play time; the last decision's repeat stops at the cap
 * and the episode is truncated there, not terminated.
 */
import { describe, expect, it } from 'vitest';
import { make } from '../../../envs/core/registry.js';
import { FOOTBALL_ONLINE_OPTIONS } from '../../../envs/football/index.js';
import '../../../envs/index.js';

describe('football max_frames', () => {
  it('defaults to the academy scenarios\' 400 frames; the online options name it', () => {
    expect(make('Football-11v11-v0').options).toMatchObject({ max_frames: 400, max_steps: 400 });
    expect(FOOTBALL_ONLINE_OPTIONS).toEqual({ adaptive_repeat: true, max_frames: 400 });
  });

  it('truncates a repeated move at the frame cap, with the score', () => {
    const env = make('Football-empty-goal-v0', { adaptive_repeat: true, max_frames: 25 });
    env.reset({ seed: 0 });
    const frames: number[] = [];
    let r = env.step('right');
    frames.push(r.info.frames as number);
    while (!r.terminated && !r.truncated) {
      r = env.step('right');
      frames.push(r.info.frames as number);
    }
    expect(frames).toEqual([10, 10, 5]);
    expect(r.truncated).toBe(true);
    expect(r.terminated).toBe(false);
    expect(r.observation.state.frame).toBe(25);
    expect(typeof r.info.score).toBe('number');
    expect(() => env.step('right')).toThrow(/after the episode ended/);
  });

  it('bounds game time whatever max_steps allows, and changes nothing below it', () => {
    const long = make('Football-empty-goal-v0', { max_steps: 1000, max_frames: 30 });
    long.reset({ seed: 0 });
    let n = 0;
    let r;
    do {
      r = long.step('idle');
      n++;
    } while (!r.terminated && !r.truncated);
    expect(n).toBe(30);
    expect(r.truncated).toBe(true);
    // One frame a decision and max_steps below the cap: max_steps ends it, as before the cap.
    const short = make('Football-empty-goal-v0', { max_steps: 5 });
    short.reset({ seed: 0 });
    for (let i = 0; i < 4; i++) expect(short.step('idle').truncated).toBe(false);
    expect(short.step('idle').truncated).toBe(true);
  });
});
