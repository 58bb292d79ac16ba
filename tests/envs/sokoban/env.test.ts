/** The registered envs: checker, determinism, distinct levels, protocols, score and options. */
import { describe, expect, it } from 'vitest';
import { checkEnv, EnvError, make, type Env, type JsonObject } from '../../../envs/index.js';
import { SOKOBAN_VARIANTS, type SokobanState } from '../../../envs/sokoban/index.js';

const IDS = Object.keys(SOKOBAN_VARIANTS);

/** The env's current state (GameEnv exposes it for solvers and replays). */
const stateOf = (env: Env) => (env as unknown as { currentState(): SokobanState }).currentState();
const NAMES = ['noop', 'up', 'down', 'left', 'right'];

describe.each(IDS)('%s', (id) => {
  it('passes checkEnv', () => {
    checkEnv(make(id));
  });

  it('gives byte-identical PNG and text for the same seed, distinct levels for different seeds', () => {
    const a = make(id);
    const b = make(id);
    for (const seed of [0, 1, 99]) {
      const ra = a.reset({ seed });
      const rb = b.reset({ seed });
      expect(ra.observation.text).toBe(rb.observation.text);
      expect(Buffer.from(a.render('png')).equals(Buffer.from(b.render('png')))).toBe(true);
      expect(ra.info).toEqual(rb.info);
    }
    const [height, width] = SOKOBAN_VARIANTS[id];
    const grids = new Set<string>();
    const first = a.reset({ seed: 0 }).observation.image;
    expect([first.width, first.height]).toEqual([width * 16, height * 16]);
    for (let seed = 0; seed < 200; seed++) {
      const { observation, info } = a.reset({ seed });
      expect(info.optimal_known).toBe(true);
      grids.add(observation.text.split('\n\n')[0]);
    }
    expect(grids.size).toBeGreaterThanOrEqual(190);
  });
});

describe('Sokoban episodes', () => {
  it('plays the optimal plan to score 100 and a do-nothing episode to 100 - 5 x optimal return', () => {
    const env = make('Sokoban-small-v0');
    const { info } = env.reset({ seed: 5 });
    const plan = stateOf(env).solution!.plan;
    expect(plan.length).toBe(info.optimal_solution_length);
    let last;
    for (const move of plan) last = env.step(move);
    expect(last!.terminated).toBe(true);
    expect(last!.info.success).toBe(true);
    expect(last!.info.score).toBe(100);
    expect(last!.info.episode_return).toBeCloseTo(info.optimal_return as number, 9);

    env.reset({ seed: 5 });
    let r;
    do r = env.step('noop');
    while (!r.truncated && !r.terminated);
    expect(r.truncated).toBe(true);
    expect(r.info.elapsed_steps).toBe(200); // gym-sokoban registers Sokoban-small-v0 with 200 steps
    expect(r.info.score).toBeCloseTo(100 - 5 * (info.optimal_return as number), 6);
  });

  it('reads a whole plan from one answer under the global protocol, at most 50 moves', () => {
    const env = make('Sokoban-small-v0', { protocol: 'global' });
    env.reset({ seed: 8 });
    const plan = stateOf(env).solution!.plan.map((m) => NAMES[m]);
    const answer = `<think>push the boxes</think><answer>${plan.map((m) => m[0].toUpperCase() + m.slice(1)).join(', ')}</answer>`;
    const r = env.step({ text: answer });
    expect(r.terminated).toBe(true);
    expect(r.info.moves_executed).toBe(plan.length);
    expect(r.info.score).toBe(100);

    env.reset({ seed: 8 });
    const long = env.step({ text: `<answer>${Array(70).fill('up, down').join(', ')}</answer>` });
    expect(long.info.moves_executed).toBe(50);
    expect(long.info.dropped_actions).toBe(90);
  });

  it('runs K moves a turn under the online protocol, and one move for a structured action', () => {
    const env = make('Sokoban-small-v0', { max_actions_per_turn: 2 });
    env.reset({ seed: 8 });
    expect(env.step({ text: '<answer>left, right, up</answer>' }).info.moves_executed).toBe(2);
    expect(env.step(['left', 'right']).info.moves_executed).toBe(2);
    const global = make('Sokoban-small-v0', { protocol: 'global' });
    global.reset({ seed: 8 });
    expect(global.step('up').info.moves_executed).toBe(1);
    expect(global.step(3).info.moves_executed).toBe(1);
  });

  it('reports invalid text actions without throwing', () => {
    const env = make('Sokoban-small-v0');
    env.reset({ seed: 1 });
    const r = env.step({ text: '<answer>jump</answer>' });
    expect(r.info.action_is_valid).toBe(false);
    expect(r.info.invalid_actions).toEqual(['jump']);
  });

  it('reports effectiveness and boxes on target in info', () => {
    const env = make('Sokoban-small-v0');
    env.reset({ seed: 2 });
    const r = env.step('noop');
    expect(r.info).toMatchObject({ action_is_valid: true, action_is_effective: false, boxes_on_target: 0, success: false });
    expect(r.reward).toBeCloseTo(-0.1, 12);
  });

  it('charges an invalid turn the no-op step penalty, so nonsense never pays better than a move', () => {
    const env = make('Sokoban-small-v0');
    const before = env.reset({ seed: 2 }).observation.text;
    for (const action of [{ text: '<answer>jump</answer>' }, 'fly', 99]) {
      const r = env.step(action);
      expect(r.info).toMatchObject({ action_is_valid: false, played_idle: true, moves_executed: 1, success: false });
      expect(r.reward).toBeCloseTo(-0.1, 12);
      expect(r.observation.text).toBe(before);
    }
    expect(env.step('noop').info.elapsed_steps).toBe(4);
  });
});

describe('Sokoban options', () => {
  it('filters generated levels by optimal solution length', () => {
    const env = make('Sokoban-small-v0', { min_solution_length: 18, max_solution_length: 22 });
    for (let seed = 0; seed < 20; seed++) {
      const n = env.reset({ seed }).info.optimal_solution_length as number;
      expect(n).toBeGreaterThanOrEqual(18);
      expect(n).toBeLessThanOrEqual(22);
    }
  });

  it('never throws on limits no level meets, nor on cramped rooms, and stays deterministic', () => {
    const cases: JsonObject[] = [
      { min_solution_length: 900 },
      { width: 5, height: 5, num_boxes: 3 },
      { width: 5, height: 5, num_boxes: 3, max_solution_length: 1 },
    ];
    for (const options of cases) {
      const env = make('Sokoban-small-v0', options);
      const a = env.reset({ seed: 4 }).observation.text;
      expect(env.reset({ seed: 4 }).observation.text).toBe(a);
      const state = stateOf(env);
      expect(state.solution).not.toBeNull();
    }
  });

  it('uses a custom text vocabulary and can drop the legend and the coordinates', () => {
    const env = make('Sokoban-small-v0', { text_vocabulary: 'boxoban', text_coordinates: false, text_legend: false });
    const text = env.reset({ seed: 3 }).observation.text;
    expect(text).toMatch(/^[# .$*@+\n]+$/);
    const custom = make('Sokoban-small-v0', {
      text_vocabulary: { wall: 'W', floor: '.', target: 'T', box: 'B', box_on_target: 'b', player: 'A', player_on_target: 'a' },
    });
    const t2 = custom.reset({ seed: 3 }).observation.text;
    expect(t2.split('\n\n')[0]).toMatch(/^[W.TBbAa\n]+$/);
    expect(t2.split('\n\n')[1]).toBe('Legend: W wall, . floor, T target, B box, b box on a target, A you, a you on a target.');
    expect(t2).toMatch(/player: \[\d+, \d+\]\nboxes: \[\d+, \d+\], \[\d+, \d+\]\ntargets: /);
  });

  it('draws at the tile size asked for', () => {
    const env = make('Sokoban-small-v0', { tile_size: 8 });
    expect(env.reset({ seed: 0 }).observation.image.width).toBe(56);
  });

  it('rejects bad options with a message naming the option', () => {
    expect(() => make('Sokoban-v0', { num_boxs: 3 })).toThrow(/num_boxs/);
    expect(() => make('Sokoban-v0', { text_vocabulary: 'emoji' })).toThrow(/text_vocabulary/);
    expect(() => make('Sokoban-v0', { text_vocabulary: 'toString' })).toThrow(/text_vocabulary/);
    expect(() => make('Sokoban-v0', { text_vocabulary: { wall: '#' } })).toThrow(/missing floor/);
    expect(() => make('Sokoban-v0', { text_legend: 'yes' })).toThrow(/text_legend/);
    expect(() => make('Sokoban-v0', { min_solution_length: 30, max_solution_length: 10 })).toThrow(EnvError);
    expect(() => make('Sokoban-small-v0', { num_boxes: 6 })).toThrow(/num_boxes/);
    expect(() => make('Sokoban-v0', { tile_size: 0 })).toThrow(/tile_size/);
  });
});
