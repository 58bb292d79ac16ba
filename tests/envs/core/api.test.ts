/**
 * The env API as Gymnasium users expect it: a list of actions is one turn under the protocol's
 * rules, spaces sample and test membership, observations spread to their three views, and VectorEnv
 * resets with `{ seed }` and autoresets in either of Gymnasium's modes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnvError, listEnvs, make, makeRng, VectorEnv, withSpaceMethods, type Env, type LiveSpace, type Space } from '../../../envs/index.js';
import { makeCorridor } from './corridor.js';

const NAMES = ['noop', 'up', 'down', 'left', 'right'];

describe('a list of actions is one turn, as the same moves in text', () => {
  it('runs at most max_actions_per_turn moves (default 1) and counts the rest as dropped', () => {
    const env = make('Sokoban-small-v0');
    expect(env.options.max_actions_per_turn).toBe(1);
    env.reset({ seed: 8 });
    const r = env.step(['down', 'left']);
    expect(r.info).toMatchObject({ moves_executed: 1, dropped_actions: 1, parsed_actions: ['down'] });
  });

  it('ends the episode under the global protocol, as a text answer does', () => {
    const env = make('Sokoban-small-v0', { protocol: 'global' });
    env.reset({ seed: 8 });
    const r = env.step(['up', 'left']);
    expect(r.terminated || r.truncated).toBe(true);
    expect(typeof r.info.score).toBe('number');
    // A single structured action stays one move that does not end the plan.
    env.reset({ seed: 8 });
    expect(env.step('up').truncated).toBe(false);
  });

  it('gives the same moves, rewards, flags and state as the text answer of the same moves', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('online', 'global'),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 50 }),
        (protocol, k, moves, seed) => {
          const a = make('Sokoban-small-v0', { protocol, max_actions_per_turn: k });
          const b = make('Sokoban-small-v0', { protocol, max_actions_per_turn: k });
          a.reset({ seed });
          b.reset({ seed });
          const viaList = a.step(moves.map((m) => NAMES[m]));
          const viaText = b.step({ text: `<answer>${moves.map((m) => NAMES[m]).join(', ')}</answer>` });
          for (const key of ['moves_executed', 'dropped_actions', 'parsed_actions', 'elapsed_steps', 'score', 'action_is_valid'] as const) {
            expect(viaList.info[key]).toEqual(viaText.info[key]);
          }
          expect([viaList.reward, viaList.terminated, viaList.truncated]).toEqual([viaText.reward, viaText.terminated, viaText.truncated]);
          expect(viaList.observation.text).toBe(viaText.observation.text);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("spaces: Gymnasium's sample(rng) and contains(x)", () => {
  const ids = listEnvs().map((s) => s.id).filter((id) => id === 'Sokoban-small-v0' || id === 'Football-11v11-v0' || id.startsWith('Sokoban-huge'));

  it.each(ids)('%s: every sample belongs to its space, and the same rng gives the same sample', (id) => {
    const env = make(id);
    for (const space of [env.spaces.action, env.spaces.observation] as LiveSpace[]) {
      for (let seed = 0; seed < 2; seed++) {
        const x = space.sample(makeRng(seed));
        expect(space.contains(x)).toBe(true);
        // Compared as JSON-free bytes: deep equality over a frame's million entries is slow.
        expect(fingerprint(space.sample(makeRng(seed)))).toBe(fingerprint(x));
      }
    }
    const { observation } = env.reset({ seed: 0 });
    expect(env.spaces.observation.contains(observation)).toBe(true);
    expect(env.spaces.action.contains(env.spaces.action.type === 'discrete' ? env.spaces.action.n : -1)).toBe(false);
    expect(env.spaces.action.contains('nonsense')).toBe(false);
  });

  it('keeps the methods out of JSON and spreads, and samples reproducibly without an rng', () => {
    const env = make('Sokoban-small-v0');
    expect(JSON.parse(JSON.stringify(env.spaces.action))).toEqual({ type: 'discrete', n: 5, names: NAMES });
    expect(Object.keys(env.spaces.action)).toEqual(['type', 'n', 'names']);
    const a = make('Sokoban-small-v0').spaces.action;
    const b = make('Sokoban-small-v0').spaces.action;
    expect([a.sample(), a.sample(), a.sample()]).toEqual([b.sample(), b.sample(), b.sample()]);
    a.seed(3);
    b.seed(3);
    expect(a.sample()).toBe(b.sample());
    expect(() => a.seed(-1)).toThrow(/non-negative integer/);
  });

  it('samples every kind of space within its bounds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), (seed) => {
        const rng = makeRng(seed);
        const env = makeCorridor();
        const sub = env.spaces.observation.type === 'dict' ? env.spaces.observation.spaces : {};
        expect(Object.keys(sub)).toEqual(['text', 'image', 'state']);
        const box: Space = { type: 'box', shape: [2, 3], low: -1.5, high: 2, dtype: 'float32' };
        const ints: Space = { type: 'box', shape: [4], low: 0, high: 3, dtype: 'int32' };
        const seq: Space = { type: 'sequence', of: { type: 'discrete', n: 3 }, max_length: 4 };
        for (const space of [box, ints, seq]) {
          const live = withMethods(space);
          expect(live.contains(live.sample(rng))).toBe(true);
        }
      }),
      { numRuns: 50 },
    );
    expect(() => withMethods({ type: 'box', shape: [1], low: 0.2, high: 0.7, dtype: 'int32' }).sample(makeRng(0))).toThrow(/holds no integer/);
  });
});

describe('observations spread to their three views', () => {
  it('shows text, image and state with {...obs} and Object.keys, no internals', () => {
    const env: Env = make('Sokoban-small-v0');
    const { observation } = env.reset({ seed: 0 });
    expect(Object.keys(observation)).toEqual(['text', 'image', 'state']);
    const spread = { ...observation };
    expect(Object.keys(spread)).toEqual(['text', 'image', 'state']);
    expect(spread.text).toBe(observation.text);
    expect(spread.image.width).toBe(112);
    expect(Object.keys(JSON.parse(JSON.stringify(observation)))).toEqual(['text', 'state']);
  });
});

describe('VectorEnv', () => {
  it('resets with { seed } like env.reset, with a seed list, or continuing each stream', () => {
    const vec = new VectorEnv(3, () => makeCorridor({ max_length: 64 }));
    const bySeed = vec.reset({ seed: 10 }).observations.map((o) => o.state.length);
    expect(vec.reset(10).observations.map((o) => o.state.length)).toEqual(bySeed);
    const single = [10, 11, 12].map((s) => makeCorridor({ max_length: 64 }).reset({ seed: s }).observation.state.length);
    expect(bySeed).toEqual(single);
    expect(vec.reset({ seed: [12, 11, 10] }).observations.map((o) => o.state.length)).toEqual([...single].reverse());
    expect(vec.reset().observations).toHaveLength(3);
  });

  it('refuses wrong arguments and negative seeds with errors that say what is wrong', () => {
    const vec = new VectorEnv(2, () => makeCorridor());
    expect(() => vec.reset({ seed: -1 })).toThrow(/seed must be a non-negative integer, got -1/);
    expect(() => vec.reset({ seed: [1] })).toThrow(/1 seeds for 2 instances/);
    expect(() => vec.reset({ sed: 1 } as never)).toThrow(/unknown sed/);
    expect(() => vec.reset('3' as never)).toThrow(EnvError);
    expect(() => vec.step('right' as never)).toThrow(/a list of 2 actions/);
    expect(() => vec.step(['right'])).toThrow(/got 1 actions for 2 instances/);
    expect(() => new VectorEnv(0, () => makeCorridor())).toThrow(/at least 1/);
    expect(() => new VectorEnv(2, () => makeCorridor(), { autoresetMode: 'sometimes' as never })).toThrow(/next-step, same-step/);
    expect(() => makeCorridor().reset({ seed: -5 })).toThrow(/seed must be a non-negative integer, got -5/);
  });

  it("autoresets on the next step by default (Gymnasium 1.x), ignoring that step's action", () => {
    const vec = new VectorEnv(1, () => makeCorridor({ max_length: 2 }));
    expect(vec.autoresetMode).toBe('next-step');
    vec.reset({ seed: 0 });
    const end = vec.step(['right']);
    expect(end.terminated[0]).toBe(true);
    expect(end.observations[0].state.pos).toBe(1); // the ended episode's last observation
    expect(end.finalObservations[0]).toBeNull();
    const next = vec.step(['right']);
    expect(next.observations[0].state.pos).toBe(0); // the new episode's first
    expect([next.rewards[0], next.terminated[0], next.truncated[0]]).toEqual([0, false, false]);
    expect(vec.step(['right']).terminated[0]).toBe(true); // the action after the reset plays again
  });

  it('same-step mode returns the next first observation at once, the last one beside it', () => {
    const vec = new VectorEnv(1, () => makeCorridor({ max_length: 2 }), { autoresetMode: 'same-step' });
    vec.reset({ seed: 0 });
    const end = vec.step(['right']);
    expect(end.terminated[0]).toBe(true);
    expect(end.observations[0].state.pos).toBe(0);
    expect(end.finalObservations[0]!.state.pos).toBe(1);
  });

  it('both modes play the same episodes for a batch seed', () => {
    const episodes = (mode: 'next-step' | 'same-step') => {
      const vec = new VectorEnv(2, () => makeCorridor({ max_length: 5 }), { autoresetMode: mode });
      vec.reset({ seed: 4 });
      const lengths: number[] = [];
      for (let t = 0; t < 60 && lengths.length < 6; t++) {
        const r = vec.step(['right', 'right']);
        r.terminated.forEach((done, i) => {
          if (done) lengths.push((mode === 'same-step' ? r.finalObservations[i]! : r.observations[i]).state.length as number);
        });
      }
      return lengths.slice(0, 6);
    };
    expect(episodes('next-step')).toEqual(episodes('same-step'));
  });
});

/** A short digest of a sample: typed arrays by a strided sum of their bytes, the rest as JSON. */
function fingerprint(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) => {
    if (v instanceof Uint8ClampedArray || v instanceof Uint8Array) {
      let h = 0;
      for (let i = 0; i < v.length; i += 7) h = (h * 31 + v[i]) >>> 0;
      return `bytes:${v.length}:${h}`;
    }
    return v;
  });
}

/** A copy with the methods: withSpaceMethods defines them on the object it is given. */
function withMethods(space: Space) {
  return withSpaceMethods(structuredClone(space));
}
