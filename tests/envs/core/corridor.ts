/**
 * A tiny game for testing the core: walk a corridor of seeded length to the exit. Small enough
 * that every contract of GameEnv can be checked by hand.
 */
import { GameEnv, OptionReader, type BaseOptions, type Game, type JsonObject } from '../../../envs/browser.js';

export interface CorridorState {
  length: number;
  pos: number;
}
interface CorridorOptions extends BaseOptions {
  max_length: number;
}

export const corridor: Game<CorridorState, CorridorOptions> = {
  resolveOptions(options: JsonObject) {
    const r = new OptionReader('Corridor', options);
    const out = { ...r.base(20), max_length: r.int('max_length', 8, 2, 64) };
    r.done();
    return out;
  },
  actionNames: () => ['stay', 'left', 'right'],
  actionAliases: () => ({ r: 'right', l: 'left' }),
  stateSpace: () => ({ type: 'json', description: '{ length, pos }' }),
  initial: (rng, o) => ({ length: rng.range(2, o.max_length), pos: 0 }),
  step(state, action) {
    const pos = Math.max(0, Math.min(state.length - 1, state.pos + (action === 2 ? 1 : action === 1 ? -1 : 0)));
    const done = pos === state.length - 1;
    return { state: { ...state, pos }, reward: done ? 1 : -0.1, terminated: done, info: { pos } };
  },
  text: (s) => Array.from({ length: s.length }, (_, i) => (i === s.pos ? 'P' : '_')).join(''),
  toJson: (s) => ({ length: s.length, pos: s.pos }),
  frameSize: (o) => ({ width: o.max_length * 4, height: 4 }),
  draw(ctx, s, o) {
    ctx.fillStyle = '#202020';
    ctx.fillRect(0, 0, o.max_length * 4, 4);
    ctx.fillStyle = '#c0c0c0';
    ctx.fillRect(0, 0, s.length * 4, 4);
    ctx.fillStyle = '#20c020';
    ctx.fillRect(s.pos * 4, 0, 4, 4);
  },
  score: (ep) => ep.best_return * 10,
};

export const makeCorridor = (options: JsonObject = {}) => new GameEnv('Corridor-v0', corridor, options);
