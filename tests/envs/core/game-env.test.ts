import { describe, expect, it } from 'vitest';
import { EnvError, VectorEnv, checkEnv, plainObservation } from '../../../envs/index.js';
import { makeCorridor } from './corridor.js';

describe('GameEnv', () => {
  it('passes the checker', () => {
    const env = makeCorridor();
    expect(() => checkEnv(env, { make: () => makeCorridor() })).not.toThrow();
  });

  it('reset with a seed re-seeds; without one continues the stream', () => {
    const a = makeCorridor({ max_length: 64 });
    const lengths = [a.reset({ seed: 5 }), a.reset(), a.reset(), a.reset()].map((r) => r.observation.state.length);
    const b = makeCorridor({ max_length: 64 });
    expect([b.reset({ seed: 5 }), b.reset(), b.reset(), b.reset()].map((r) => r.observation.state.length)).toEqual(lengths);
    expect(new Set(lengths).size).toBeGreaterThan(1);
    // seed null is seed=None: the stream continues, as with no seed at all.
    const c = makeCorridor({ max_length: 64 });
    expect([c.reset({ seed: 5 }), c.reset({ seed: null }), c.reset({}), c.reset(null)].map((r) => r.observation.state.length)).toEqual(lengths);
    expect(() => c.reset({ seed: '5' as unknown as number })).toThrow(/seed must be a non-negative integer, got "5"/);
  });

  it('takes names, indices, aliases, lists and text answers', () => {
    const env = makeCorridor({ max_length: 64, max_actions_per_turn: 3 });
    env.reset({ seed: 1 });
    expect(env.step('RIGHT').info.pos).toBe(1);
    expect(env.step(2).info.pos).toBe(2);
    expect(env.step('r').info.pos).toBe(3);
    expect(env.step(['left', 'left']).info.pos).toBe(1);
    const r = env.step({ text: '<think>go</think><answer>Right, right, right, right</answer>' });
    expect(r.info.moves_executed).toBe(3); // capped at max_actions_per_turn
    expect(r.info.dropped_actions).toBe(1);
    expect(r.info.action_is_valid).toBe(true);
  });

  it('reports invalid actions without throwing and still spends a step', () => {
    const env = makeCorridor({ max_steps: 2 });
    env.reset({ seed: 1 });
    const r = env.step({ text: '<answer>jump, right</answer>' });
    expect(r.info.action_is_valid).toBe(false);
    expect(r.info.invalid_actions).toEqual(['jump']);
    expect(r.info.moves_executed).toBe(1);
    const r2 = env.step(99);
    expect(r2.info.action_is_valid).toBe(false);
    expect(r2.truncated).toBe(true);
    expect(() => env.step(0)).toThrow(EnvError);
  });

  it('reports actions JSON cannot describe, and takes reset(null), without a TypeError', () => {
    const env = makeCorridor({ max_steps: 50 });
    expect(env.reset(null).observation.text).toMatch(/^P_+$/);
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    for (const action of [1n, cyclic, [{ a: 1n }]]) {
      const r = env.step(action as never);
      expect(r.info.action_is_valid).toBe(false);
      expect((r.info.invalid_actions as string[]).length).toBe(1);
    }
  });

  it('sets truncated at the step budget and reports the score at the end', () => {
    const env = makeCorridor({ max_steps: 3, max_length: 64 });
    env.reset({ seed: 9 });
    let last;
    for (let i = 0; i < 3; i++) last = env.step('stay');
    expect(last!.truncated).toBe(true);
    expect(last!.terminated).toBe(false);
    expect(last!.info.score).toBe(0);
    expect(last!.info.episode_return).toBeCloseTo(-0.3);
  });

  it('rejects unknown and ill-typed options by name', () => {
    expect(() => makeCorridor({ max_lenght: 5 })).toThrow(/unknown option max_lenght/);
    expect(() => makeCorridor({ max_steps: 'ten' })).toThrow(/max_steps/);
    expect(() => makeCorridor({ protocol: 'batch' })).toThrow(/protocol must be one of global, online/);
  });

  it('serialises observations to text and state only', () => {
    const env = makeCorridor();
    const { observation } = env.reset({ seed: 3 });
    const json = JSON.parse(JSON.stringify(observation));
    expect(Object.keys(json).sort()).toEqual(['state', 'text']);
    expect(structuredClone(plainObservation(observation)).image.width).toBe(32);
  });
});

describe('VectorEnv', () => {
  it('autoresets ended instances and keeps their last observation (same-step mode)', () => {
    const vec = new VectorEnv(3, () => makeCorridor({ max_length: 3 }), { autoresetMode: 'same-step' });
    vec.reset(10);
    let ended = 0;
    for (let t = 0; t < 10; t++) {
      const r = vec.step(['right', 'right', 'stay']);
      r.terminated.forEach((done, i) => {
        if (done) {
          ended++;
          expect(r.finalObservations[i]!.state.pos).toBe((r.finalObservations[i]!.state.length as number) - 1);
          expect(r.observations[i].state.pos).toBe(0);
        }
      });
    }
    expect(ended).toBeGreaterThan(3);
  });

  it('is deterministic for a batch seed', () => {
    const run = () => {
      const vec = new VectorEnv(4, () => makeCorridor({ max_length: 6 }));
      vec.reset(77);
      const trace: number[] = [];
      for (let t = 0; t < 30; t++) trace.push(...vec.step(['right', 'left', 'right', 'stay']).rewards);
      return trace;
    };
    expect(run()).toEqual(run());
  });
});

describe('a turn with no valid move', () => {
  it('plays the game\'s idle action when it has one, so the game\'s own clock moves too', async () => {
    const { make } = await import('../../../envs/index.js');
    const env = make('Football-11v11-v0', { max_steps: 3 });
    env.reset({ seed: 2 });
    const left = (r: { observation: { state: Record<string, unknown> } }) => r.observation.state.steps_left;
    const first = env.step({ text: '<answer>dance</answer>' });
    expect(first.info).toMatchObject({ action_is_valid: false, played_idle: true, moves_executed: 1, elapsed_steps: 1 });
    expect(left(first)).toBe(2);
    env.step('jump');
    const third = env.step({ text: 'nonsense' });
    expect(third.truncated).toBe(true);
    expect(left(third)).toBe(0);
  });

  it('costs a Sokoban turn the step penalty, as gym-sokoban\'s no-op does', async () => {
    const { make } = await import('../../../envs/index.js');
    const env = make('Sokoban-small-v0');
    env.reset({ seed: 1 });
    const r = env.step({ text: '<answer>sideways</answer>' });
    expect(r.reward).toBeCloseTo(-0.1);
    expect(r.info.invalid_actions).toEqual(['sideways']);
  });
});

describe('the global protocol', () => {
  it('ends the episode after one text answer, with the score of that plan', () => {
    const env = makeCorridor({ protocol: 'global', max_length: 64 });
    env.reset({ seed: 4 });
    const r = env.step({ text: '<answer>right, right</answer>' });
    expect(r.info.moves_executed).toBe(2);
    expect(r.truncated).toBe(true);
    expect(r.terminated).toBe(false);
    expect(typeof r.info.score).toBe('number');
    expect(() => env.step(0)).toThrow(EnvError);
  });

  it('still takes structured actions one move at a time', () => {
    const env = makeCorridor({ protocol: 'global', max_length: 64 });
    env.reset({ seed: 4 });
    expect(env.step('right').truncated).toBe(false);
  });
});
