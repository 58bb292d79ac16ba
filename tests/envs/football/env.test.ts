import { describe, expect, it } from 'vitest';
// Core and football modules only, so these tests do not depend on the other games' state.
import { checkEnv } from '../../../envs/core/check.js';
import { make } from '../../../envs/core/registry.js';
import { EnvError, type Env, type JsonObject } from '../../../envs/core/types.js';
import {
  FOOTBALL_ACTIONS,
  FOOTBALL_IDS,
  FOOTBALL_PROMPT_ACTIONS,
  FOOTBALL_MINIMAP_HEIGHT as MINIMAP_HEIGHT,
  FOOTBALL_MINIMAP_PLANES as MINIMAP_PLANES,
  FOOTBALL_MINIMAP_WIDTH as MINIMAP_WIDTH,
} from '../../../envs/football/index.js';
import { makeRng } from '../../../envs/core/rng.js';

/** A seeded action sequence over all 19 actions. */
function actions(seed: number, n: number): number[] {
  const rng = makeRng(`actions/${seed}`);
  return Array.from({ length: n }, () => rng.int(FOOTBALL_ACTIONS.length));
}

/** Every step's reward, flags, info, text, state and frame bytes (as a hash) for a fixed sequence. */
function episode(env: Env, seed: number, moves: number[]): string[] {
  const hash = (d: Uint8ClampedArray) => {
    let h = 2166136261;
    for (let i = 0; i < d.length; i++) h = Math.imul(h ^ d[i], 16777619);
    return h >>> 0;
  };
  const first = env.reset({ seed }).observation;
  const out = [JSON.stringify({ t: first.text, s: first.state, f: hash(first.image.data) })];
  for (const a of moves) {
    const r = env.step(a);
    out.push(JSON.stringify({ r: r.reward, te: r.terminated, tr: r.truncated, i: r.info, t: r.observation.text, s: r.observation.state, f: hash(r.observation.image.data) }));
    if (r.terminated || r.truncated) break;
  }
  return out;
}

describe('football envs', () => {
  it('registers the nine scenario ids', () => {
    expect(FOOTBALL_IDS).toHaveLength(9);
    expect(FOOTBALL_IDS).toContain('Football-11v11-v0');
    expect(FOOTBALL_IDS).toContain('Football-counterattack-hard-v0');
  });

  for (const id of FOOTBALL_IDS) {
    it(`${id} passes checkEnv`, () => {
      checkEnv(make(id), { steps: 80 });
    });
  }

  it('same seed and actions give byte-identical frames and identical episodes', () => {
    for (const id of FOOTBALL_IDS) {
      const moves = actions(7, 120);
      const a = episode(make(id), 42, moves);
      const b = episode(make(id), 42, moves);
      expect(a).toEqual(b);
    }
  });

  it('different seeds give different scenarios', () => {
    for (const id of FOOTBALL_IDS) {
      const seen = new Set<string>();
      for (let seed = 0; seed < 8; seed++) seen.add(JSON.stringify(make(id).reset({ seed }).observation.state));
      expect(seen.size).toBe(8);
    }
  });

  it("names the 19 actions in Google Research Football's order", () => {
    expect(FOOTBALL_ACTIONS).toEqual([
      'idle', 'left', 'top_left', 'top', 'top_right', 'right', 'bottom_right', 'bottom', 'bottom_left',
      'long_pass', 'high_pass', 'short_pass', 'shot', 'sprint', 'release_direction', 'release_sprint',
      'sliding', 'dribble', 'release_dribble',
    ]);
  });

  it('takes the 19 actions by name or index and the LMM spellings in text', () => {
    const env = make('Football-empty-goal-v0');
    env.reset({ seed: 1 });
    expect(env.spaces.action).toMatchObject({ type: 'discrete', n: 19 });
    expect(env.step('top_right').info.action_is_valid).toBe(true);
    expect(env.step(13).info.action_is_valid).toBe(true);
    const r = env.step({ text: '<think>go</think><answer>Top Right</answer>' });
    expect(r.info.parsed_actions).toEqual(['top_right']);
    expect((r.observation.state.sticky as JsonObject).direction).toBe('top_right');
    expect((r.observation.state.sticky as JsonObject).sprint).toBe(true);
  });

  it('offers MageBench 16 actions in the text view', () => {
    const text = make('Football-11v11-v0').reset({ seed: 3 }).observation.text;
    expect(FOOTBALL_PROMPT_ACTIONS).toHaveLength(16);
    for (const a of FOOTBALL_PROMPT_ACTIONS) expect(text).toContain(a);
    expect(text).toMatch(/You control .* with the ball/);
    expect(text).toMatch(/400 steps left/);
  });

  it('reports the controlled player and ball owner in info', () => {
    const env = make('Football-3v1-keeper-v0');
    const reset = env.reset({ seed: 2 });
    expect(reset.info.active).toBe(reset.observation.state.active);
    expect(reset.info.ball_owner).toBe(reset.info.active);
    const r = env.step('right');
    expect(typeof r.info.active).toBe('number');
    expect(r.info.ball_owned_team).toBe(0);
  });

  it('checks options: unknown keys, bad reward modes, difficulty range', () => {
    expect(() => make('Football-11v11-v0', { difficulty: 2 })).toThrow(EnvError);
    expect(() => make('Football-11v11-v0', { reward: 'magebench,goals' })).toThrow(/reward/);
    expect(() => make('Football-11v11-v0', { speed: 1 })).toThrow(/unknown option/);
    expect(make('Football-11v11-v0', { reward: 'scoring,checkpoints' }).options.reward).toBe('scoring,checkpoints');
    expect(make('Football-11v11-v0').options).toMatchObject({ max_steps: 400, protocol: 'online', reward: 'magebench', adaptive_repeat: false });
  });

  it('scores an empty-goal finish: +2 goal plus progress and shot under magebench, +1 under scoring', () => {
    for (const [reward, min] of [['magebench', 2], ['scoring', 1], ['checkpoints', 0.1]] as const) {
      const env = make('Football-empty-goal-close-v0', { reward });
      env.reset({ seed: 0 });
      let total = 0;
      let last = env.step('right');
      total += last.reward;
      for (let t = 0; t < 30 && !last.terminated; t++) {
        last = env.step(t < 8 ? 'right' : 'shot');
        total += last.reward;
      }
      expect(last.info.goal).toBe(true);
      expect(total).toBeGreaterThanOrEqual(min);
      expect(last.info.score).toBeCloseTo(total * 20, 9);
      if (reward === 'scoring') expect(total).toBe(1);
    }
  });

  it('runs K actions a turn from one text answer', () => {
    const env = make('Football-empty-goal-v0', { max_actions_per_turn: 3 });
    env.reset({ seed: 0 });
    const r = env.step({ text: '<answer>right, sprint, right, right</answer>' });
    expect(r.info.moves_executed).toBe(3);
    expect(r.info.dropped_actions).toBe(1);
  });

  it('adaptive repeat runs a free move for up to 10 frames and a pass until it is received', () => {
    const env = make('Football-empty-goal-v0', { adaptive_repeat: true });
    env.reset({ seed: 0 });
    const r = env.step('right');
    expect(r.info.frames).toBe(10);
    expect(r.observation.state.frame).toBe(10);
    expect(r.observation.state.step).toBe(1);
    const pass = make('Football-3v1-keeper-v0', { adaptive_repeat: true });
    pass.reset({ seed: 1 });
    const p = pass.step('short_pass');
    expect(p.info.frames as number).toBeGreaterThan(1);
    expect(p.terminated || (p.info.ball_owner as number) >= 0).toBe(true);
  });

  it('adaptive repeat: a kick by a player without the ball is one frame; a move stops when control switches', async () => {
    const { footballGame, FOOTBALL_ACTION: A } = await import('../../../envs/football/index.js');
    const repeat = footballGame.resolveOptions({ scenario: '3v1-keeper', adaptive_repeat: true });
    const plain = footballGame.resolveOptions({ scenario: '3v1-keeper' });
    // One frame of a short pass: the ball is on its way and the receiver is in control.
    const s = footballGame.step(footballGame.initial(makeRng(1), plain), A.short_pass, plain).state;
    expect(s.ball.owner).toBe(-1);
    expect(s.ball.kick?.to).toBe(s.active);
    for (const kick of [A.shot, A.short_pass, A.long_pass, A.high_pass]) {
      const r = footballGame.step(s, kick, repeat);
      expect(r.info.frames).toBe(1);
      expect(r.state.events).not.toContain('receive');
    }
    // Every frame of a repeated move but the last is played by the player who was told to move
    // (these seeds switch control mid-move: a pass back to the keeper, a loose ball).
    let checked = 0;
    for (const scenario of ['pass-shoot-keeper', 'empty-goal-close', '11v11'] as const) {
      const o = footballGame.resolveOptions({ scenario, adaptive_repeat: true });
      const one = footballGame.resolveOptions({ scenario });
      for (const seed of [7, 34, 60, 67]) {
        let t = footballGame.initial(makeRng(seed), o);
        for (const a of actions(seed, 60)) {
          const r = footballGame.step(t, a, o);
          if (a >= A.left && a <= A.bottom_left && (r.info.frames as number) > 1) {
            let u = footballGame.step(t, a, one).state;
            for (let k = 1; k < (r.info.frames as number); k++) {
              expect(u.active).toBe(t.active);
              u = footballGame.step(u, A.idle, one).state;
            }
            expect(JSON.stringify(u)).toBe(JSON.stringify({ ...r.state, turn: u.turn }));
            checked++;
          }
          if (r.terminated) break;
          t = r.state;
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('the pure core refuses an action outside the 19 with a clear error', async () => {
    const { footballGame } = await import('../../../envs/football/index.js');
    const o = footballGame.resolveOptions({});
    const s = footballGame.initial(makeRng(0), o);
    for (const bad of [19, -1, 1.5, Number.NaN]) expect(() => footballGame.step(s, bad, o)).toThrow(/football: action must be an integer in \[0, 18\]/);
  });

  it('puts the 4-plane 72x96 minimap in the raw state on request', () => {
    const state = make('Football-11v11-v0', { state_minimap: true }).reset({ seed: 1 }).observation.state;
    const planes = state.minimap as number[];
    expect(planes).toHaveLength(MINIMAP_PLANES * MINIMAP_HEIGHT * MINIMAP_WIDTH);
    const plane = (k: number) => planes.slice(k * 72 * 96, (k + 1) * 72 * 96).filter((v) => v === 255).length;
    expect(plane(0)).toBeGreaterThan(5);
    expect(plane(1)).toBeGreaterThan(5);
    expect(plane(2)).toBe(1);
    expect(plane(3)).toBe(1);
    expect(make('Football-11v11-v0').reset({ seed: 1 }).observation.state.minimap).toBeUndefined();
  });

  it("maps positions onto the minimap as Google Research Football does (y over +-1/2.25)", async () => {
    const { footballGame, footballMinimap } = await import('../../../envs/football/index.js');
    const o = footballGame.resolveOptions({ scenario: 'empty-goal' });
    const s0 = footballGame.initial(makeRng(0), o);
    const at = (x: number, y: number) => {
      const players = s0.players.map((q, i) => (i === 1 ? { ...q, x, y } : { ...q, x: -1, y: 0 }));
      const map = footballMinimap({ ...s0, players });
      const i = map.subarray(3 * 72 * 96, 4 * 72 * 96).indexOf(255);
      return [Math.floor(i / 96), i % 96];
    };
    // GRF: col = int((x + 1) / 2 * 96), row = int((y + 1/2.25) / (2/2.25) * 72), clamped.
    expect(at(0, 0)).toEqual([36, 48]);
    expect(at(0.999, 0.42)).toEqual([70, 95]);
    expect(at(-1, -0.42)).toEqual([1, 0]);
    expect(at(0.5, -0.2)).toEqual([19, 72]);
  });

  it('draws the controlled player in yellow and both kits', () => {
    const image = make('Football-11v11-v0').reset({ seed: 5 }).observation.image;
    expect([image.width, image.height]).toEqual([320, 160]);
    const count = (r: number, g: number, b: number) => {
      let n = 0;
      for (let i = 0; i < image.data.length; i += 4) if (image.data[i] === r && image.data[i + 1] === g && image.data[i + 2] === b) n++;
      return n;
    };
    expect(count(0xff, 0xdc, 0x00)).toBeGreaterThan(30);
    expect(count(0x2a, 0x62, 0xd8)).toBeGreaterThan(100);
    expect(count(0xd8, 0x35, 0x2a)).toBeGreaterThan(100);
  });
});

describe('football frames', () => {
  it('a @napi-rs/canvas context draws the same pixels as the RasterContext fast path', async () => {
    const { createCanvas } = await import('@napi-rs/canvas');
    const { footballGame } = await import('../../../envs/football/index.js');
    const options = footballGame.resolveOptions({ scenario: '11v11' });
    let s = footballGame.initial(makeRng('napi'), options);
    for (const a of actions(2, 12)) {
      const r = footballGame.step(s, a, options);
      if (r.terminated) break;
      s = r.state;
    }
    const canvas = createCanvas(320, 160);
    const ctx = canvas.getContext('2d');
    footballGame.draw(ctx, s, options);
    const napi = ctx.getImageData(0, 0, 320, 160).data;
    const fast = footballGame.rasterize!(s, options).data;
    expect(Buffer.from(napi).equals(Buffer.from(fast))).toBe(true);
  });

  it('the cached-pitch fast path gives the same pixels as draw() on a RasterContext', async () => {
    const { RasterContext } = await import('../../../envs/render/context.js');
    const { footballGame } = await import('../../../envs/football/index.js');
    for (const scenario of ['11v11', '3v1-keeper', 'empty-goal'] as const) {
      const options = footballGame.resolveOptions({ scenario });
      let s = footballGame.initial(makeRng(scenario), options);
      for (const a of actions(1, 40)) {
        const ctx = new RasterContext(320, 160);
        footballGame.draw(ctx, s, options);
        const fast = footballGame.rasterize!(s, options);
        expect(Buffer.from(fast.data).equals(Buffer.from(ctx.image.data))).toBe(true);
        const r = footballGame.step(s, a, options);
        if (r.terminated) break;
        s = r.state;
      }
    }
  });
});
