import { describe, expect, it } from 'vitest';
import { GameEnv, checkEnv, makeRng, type Env, type JsonObject } from '../../../envs/index.js';
import { corridor, makeCorridor, type CorridorState } from './corridor.js';

/** A corridor whose game breaks one contract, to show that the checker catches each. */
function broken(patch: Partial<typeof corridor>): () => Env {
  return () => new GameEnv('Broken-v0', { ...corridor, ...patch }, {});
}

describe('checkEnv catches broken envs', () => {
  it('non-deterministic reset', () => {
    const make = broken({ initial: (_rng, o) => ({ length: 2 + Math.floor(Math.random() * (o.max_length - 1)), pos: 0 }) });
    expect(() => checkEnv(make(), { make })).toThrow(/reset determinism|seed stream/);
  });

  it('a generator shared between instances', () => {
    const shared = makeRng(1);
    const make = broken({ initial: (_rng, o) => ({ length: shared.range(2, o.max_length), pos: 0 }) });
    expect(() => checkEnv(make(), { make })).toThrow(/reset determinism|seed stream/);
  });

  it('a step that mutates the previous state', () => {
    const make = broken({
      step(state: CorridorState) {
        state.pos = Math.min(state.length - 1, state.pos + 1);
        return { state, reward: 0, terminated: false, info: {} };
      },
    });
    expect(() => checkEnv(make(), { make })).toThrow(/observation copies/);
  });

  it('a state whose nested parts are shared with the game', () => {
    const walls = { cells: [1, 2, 3] }; // one object behind every episode, as a cached level is
    const make = broken({
      toJson: (s) => ({ length: s.length, pos: s.pos, walls: walls as unknown as JsonObject }),
    });
    expect(() => checkEnv(make(), { make })).toThrow(/writing into a returned state changed the env/);
  });

  it('a frame shared between observations', () => {
    const frame = { width: 32, height: 4, data: new Uint8ClampedArray(32 * 4 * 4) };
    const make = broken({ rasterize: () => frame });
    expect(() => checkEnv(make(), { make })).toThrow(/observation copies/);
  });

  it('a reward that is not a number', () => {
    const make = broken({ step: (s) => ({ state: s, reward: NaN, terminated: false, info: {} }) });
    expect(() => checkEnv(make(), { make })).toThrow(/reward/);
  });

  it('an observation outside its space', () => {
    const make = broken({ rasterize: () => ({ width: 8, height: 8, data: new Uint8ClampedArray(256) }) });
    expect(() => checkEnv(make(), { make })).toThrow(/observation space/);
  });

  it("a render('rgb') shorter than the observation's frame", () => {
    const make = (): Env => {
      const env = makeCorridor();
      const render = env.render.bind(env) as (mode: string) => unknown;
      return Object.assign(env, {
        render: (mode: string) => {
          const out = render(mode);
          if (mode !== 'rgb') return out;
          const img = out as { width: number; height: number; data: Uint8ClampedArray };
          // The top half only: every byte it has matches the frame's.
          return { width: img.width, height: img.height / 2, data: img.data.slice(0, img.data.length / 2) };
        },
      }) as Env;
    };
    expect(() => checkEnv(make(), { make })).toThrow(/render\('rgb'\) differs/);
  });

  it('and passes a correct one', () => {
    expect(() => checkEnv(makeCorridor(), { make: () => makeCorridor() })).not.toThrow();
  });
});
