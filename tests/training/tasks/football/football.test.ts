// Football in the MGT stage: compact turn prompts that fit the tiny context, deterministic warm-start
// items whose traces score, multi-turn episode rollouts (garbage answers never crash, groups are
// contiguous, the loss mask covers only the model's own tokens), the reward-to-go arithmetic, the
// RL loop's episode branch and uneven groups, and the held-out evaluation with replays.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModel, type TinyLMM } from '../../../../agent/model/index.js';
import { parseReplay, verifyReplay } from '../../../../envs/replay/index.js';
import { footballTurnPrompt, footballView, noteOf, VIEW_SIZE } from '../../../../agent/agents/index.js';
import type { Env, RenderMode } from '../../../../envs/core/types.js';
import { EVAL_SEED, evaluate, heldOutKeys } from '../../../../training/eval/evaluate.js';
import { evalEpisodes } from '../../../../training/eval/episodes.js';
import { groupSizesOf } from '../../../../training/rl/advantages.js';
import { runRlStage } from '../../../../training/rl/loop.js';
import { batchFeeds } from '../../../../training/rl/loss.js';
import { Run } from '../../../../training/run.js';
import { episodeSamples, playEpisodes, rewardsToGo, turnReward } from '../../../../training/tasks/football/episodes.js';
import { canonicalAction, footballActLabel, footballEnv, footballStart, heuristicTurn, parseFootballTask, readingMatches } from '../../../../training/tasks/football/task.js';
import { itemTaskNamed, task, type EpisodeRecord, type EpisodeTask, type Task } from '../../../../training/tasks/index.js';
import { microModel, microRl, repeatTask } from '../../rl/micro.js';

const itemSource = (name: string) => itemTaskNamed(name, 'this test');
const episodeTask = (name: string): EpisodeTask => {
  const t = task(name);
  if (t.kind !== 'episodes') throw new Error(`${name} is not an episode task`);
  return t;
};
/** Plays `text` whatever the model answered: a scripted policy under the real episode player. */
const scripted =
  (text: string) =>
  (env: Env): Env => ({
    get id() {
      return env.id;
    },
    get options() {
      return env.options;
    },
    get spaces() {
      return env.spaces;
    },
    reset: (a) => env.reset(a),
    step: () => env.step({ text }),
    render: ((mode: RenderMode) => env.render(mode)) as Env['render'],
    close: () => env.close(),
  });

const DRILLS = ['empty-goal-close', 'empty-goal', 'run-to-score'] as const;
const ANSWER_ROOM = 96; // the stages' maxNewTokens
const dirs: string[] = [];
const tmp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};

let tiny: TinyLMM;
beforeAll(() => {
  tiny = createModel('tiny', { seed: 3, threads: 1 });
});
afterAll(async () => {
  await tiny.dispose();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

describe('football prompts', () => {
  it('fit the tiny context with room for an answer, the worst-case window included', () => {
    const ctx = tiny.config.maxSeqLen;
    for (const sc of DRILLS) {
      for (const kind of ['act', 'locate'] as const) {
        const src = itemSource(`football-${kind}-${sc}`);
        for (let i = 0; i < 12; i++) {
          const it = src.item(1, i);
          const ids = tiny.prepare([it.prompt]).inputIds[0];
          expect(ids.length + ANSWER_ROOM).toBeLessThanOrEqual(ctx);
          expect(ids.length + tiny.tokenizer.encode(it.trace).length + 1).toBeLessThanOrEqual(ctx);
        }
      }
      const t = parseFootballTask(`football-online-${sc}`)!;
      const { observation } = footballEnv(t.scenario, t.turns).reset({ seed: 2 });
      const long = [
        { action: 'release_dribble', reward: -10.25 },
        { action: 'bottom_right', reward: -10.25 },
        { action: 'release_dribble', reward: -10.25 },
      ];
      const p = footballTurnPrompt(footballView(observation), t.scenario, 49, 50, long);
      const n = tiny.prepare([p]).inputIds[0].length;
      expect(n + ANSWER_ROOM).toBeLessThanOrEqual(ctx);
      // One image, a bounded window: the oldest of the three turns is not shown.
      const text = (p[0].content as { type: string; text?: string }[]).map((c) => c.text ?? '').join('');
      expect(text).not.toContain('turn 1:');
      expect(text).toContain('turn 3: release_dribble -> -10.25');
    }
  });

  it('show the controlled player in the cropped view', () => {
    const t = parseFootballTask('football-online-empty-goal')!;
    const env = footballEnv(t.scenario, t.turns);
    for (let seed = 0; seed < 10; seed++) {
      const { observation } = env.reset({ seed });
      const v = footballView(observation);
      expect([v.width, v.height]).toEqual([VIEW_SIZE, VIEW_SIZE]);
      // The controlled player's yellow (#ffdc00) is in the view.
      let yellow = 0;
      for (let p = 0; p < v.data.length; p += 4) if (v.data[p] === 0xff && v.data[p + 1] === 0xdc && v.data[p + 2] === 0) yellow++;
      expect(yellow).toBeGreaterThan(20);
    }
  });
});

describe('football warm-start items', () => {
  it('are deterministic per (seed, index) and differ across indices', () => {
    for (const name of ['football-act-empty-goal', 'football-locate-run-to-score']) {
      const src = itemSource(name);
      const a = src.item(4, 7);
      const b = src.item(4, 7);
      expect(b.key).toBe(a.key);
      expect(b.trace).toBe(a.trace);
      expect(JSON.stringify(b.prompt, (k, v: unknown) => (k === 'data' ? Array.from(v as Uint8Array).join() : v))).toBe(
        JSON.stringify(a.prompt, (k, v: unknown) => (k === 'data' ? Array.from(v as Uint8Array).join() : v)),
      );
      expect(src.item(4, 8).key).not.toBe(a.key);
      expect(src.item(5, 7).key).not.toBe(a.key);
      expect(src.vision).toBe(true);
    }
  });

  it('locate traces score as success, within the tolerance and not beyond it', () => {
    const src = itemSource('football-locate-run-to-score');
    for (let i = 0; i < 10; i++) {
      const it = src.item(0, i);
      const s = it.reward(it.trace);
      expect(s.success).toBe(true);
      expect(s.total).toBe(1.5);
    }
    expect(readingMatches('me 0.8,0.0 ball 0.9,-0.1 opp none', 'me 0.8,0.0 ball 0.8,0.0 opp none')).toBe(true);
    expect(readingMatches('me 0.8,0.0 ball 1.0,0.0 opp none', 'me 0.8,0.0 ball 0.8,0.0 opp none')).toBe(false);
    expect(readingMatches('me 0.8,0.0 ball 0.8,0.0 opp 0.9,0.0', 'me 0.8,0.0 ball 0.8,0.0 opp none')).toBe(false);
    expect(src.item(0, 0).reward('<think>x</think><answer>no idea</answer>').success).toBe(false);
  });

  it("act traces are the scripted attacker's action (a shot on the last turn) and score as success", () => {
    for (const sc of DRILLS) {
      const t = parseFootballTask(`football-act-${sc}`)!;
      const src = itemSource(t.name);
      for (let i = 0; i < 10; i++) {
        const it = src.item(2, i);
        const start = footballStart(t, 2, i);
        const label = /<answer>(.*)<\/answer>/.exec(it.trace)![1];
        expect(label).toBe(footballActLabel(start.observation, start.turn, t.turns));
        if (start.turn < t.turns) expect(label).toBe(heuristicTurn(start.observation));
        expect(it.reward(it.trace).success).toBe(true);
        expect(it.reward(it.trace).total).toBe(1.5);
        expect(it.reward(it.trace.replace(`<answer>${label}</answer>`, '<answer>banana</answer>')).success).toBe(false);
      }
    }
    expect(canonicalAction(' Up ')).toBe('top');
    expect(canonicalAction('short pass')).toBe('short_pass');
  });

  it('names resolve: act and locate are items, online is an episode task', () => {
    expect(task('football-online-empty-goal-close').kind).toBe('episodes');
    expect(task('football-act-empty-goal-close').kind).toBe('items');
    expect(task('sokoban-image-6x6-1').kind).toBe('items');
    expect(parseFootballTask('football-online-empty-goal-t8')?.turns).toBe(8);
    expect(parseFootballTask('football-online-empty-goal')?.turns).toBe(6);
    expect(() => itemSource('football-online-empty-goal')).toThrow(/episode task/);
    expect(() => task('football-online-nowhere')).toThrow(/unknown task/);
  });
});

function turnRecord(seed: number, t: number, format: number, envReward: number): EpisodeRecord['turns'][number] {
  return {
    item: { task: 'x', key: `x:${seed}:${t}`, prompt: [], trace: '', reward: () => ({ total: 0, format: 0, task: 0, bonuses: {}, success: false }) },
    promptIds: [1],
    pixels: null,
    tokens: [2],
    text: '',
    logprobs: [0],
    truncated: false,
    format,
    envReward,
  };
}

describe('football rewards', () => {
  it('reward-to-go and turn rewards on a hand-made episode', () => {
    expect(rewardsToGo([0.1, 0.2, 2])).toEqual([0.1 + 0.2 + 2, 0.2 + 2, 2].map((x) => expect.closeTo(x, 12)));
    const episode = { envSeed: 0, envReturn: 2.3, goal: true, score: 46, turns: [0.5, 0, 0.5].map((format, i) => turnRecord(0, i, format, [0.1, 0.2, 2][i])) };
    const s = episode.turns.map((_, index) => turnReward({ turn: { episode, index } }));
    expect(s.map((x) => x.total)).toEqual([0.5 + 2.3, 2.2, 2.5].map((x) => expect.closeTo(x, 12)));
    expect(s.map((x) => x.task)).toEqual([2.3, 2.2, 2].map((x) => expect.closeTo(x, 12)));
    expect(s.every((x) => x.success && x.score === 46)).toBe(true);
    expect(rewardsToGo([1, 1, 1], 0.5)).toEqual([1.75, 1.5, 1]);
    expect(() => turnReward({})).toThrow(/not a turn of an episode/);
  });

  it('groups: the turns at one index of one start, contiguous, of uneven sizes', () => {
    const ep = (seed: number, len: number, goal: boolean): EpisodeRecord => ({ envSeed: seed, turns: Array.from({ length: len }, (_, t) => turnRecord(seed, t, 0.5, 0.1)), goal, score: 0, envReturn: 0.1 * len });
    // Start A: episodes of 1 and 3 turns; start B: 2 and 2.
    const samples = episodeSamples([ep(1, 1, true), ep(1, 3, false), ep(2, 2, false), ep(2, 2, false)], 2);
    expect(groupSizesOf(samples)).toEqual([2, 1, 1, 2, 2]);
    expect(samples.map((s) => s.group)).toEqual([0, 0, 1, 2, 3, 3, 4, 4]);
    expect(samples.map((s) => s.item.key)).toEqual(['x:1:0', 'x:1:0', 'x:1:1', 'x:1:2', 'x:2:0', 'x:2:0', 'x:2:1', 'x:2:1']);
    // The first episode's only turn: format + its env reward; the other's first turn: + three.
    expect(turnReward(samples[0]).total).toBeCloseTo(0.6, 12);
    expect(turnReward(samples[1]).total).toBeCloseTo(0.8, 12);
  });

  it('an answer naming no action plays idle and reads as invalid in the window', () => {
    const env = footballEnv('empty-goal', 6);
    env.reset({ seed: 0 });
    const r = env.step({ text: '<think>?</think><answer>banana</answer>' });
    expect(r.info.played_idle).toBe(true);
    expect(noteOf(r.info, r.reward).action).toBe('invalid');
    const env2 = footballEnv('empty-goal', 6);
    env2.reset({ seed: 0 });
    expect(noteOf(env2.step({ text: '<answer>move up</answer>' }).info, 0).action).toBe('top');
  });
});

describe('football episodes', () => {
  it('a fresh tiny model plays without crashing; groups are contiguous; masks cover only its tokens', async () => {
    const src = episodeTask('football-online-empty-goal-close');
    const sampling = { temperature: 1, topP: 1, maxNewTokens: 24 };
    const req = { groups: 2, n: 3, sampling, seed: 7, stage: 'mgt', slot: 0, heldOut: new Set<string>() };
    const { samples, timing } = await src.rollout(tiny, req);
    // 2 starts x 3 episodes x up to 4 turns; garbage answers play idle, so all 4 turns run.
    expect(samples.length).toBeGreaterThanOrEqual(6);
    expect(samples.length).toBeLessThanOrEqual(24);
    expect(timing.tokens).toBe(samples.reduce((a, s) => a + s.response.length, 0));
    // Contiguous groups, each one start's turns at one index (the key is task:seed:turn).
    const sizes = groupSizesOf(samples);
    expect(sizes.reduce((a, x) => a + x, 0)).toBe(samples.length);
    expect(new Set(samples.map((s) => s.group)).size).toBe(sizes.length);
    samples.forEach((s, i) => {
      if (i > 0) expect(s.group).toBeGreaterThanOrEqual(samples[i - 1].group);
      expect(s.pixels).not.toBeNull();
      expect(s.promptIds.length + s.response.length).toBeLessThanOrEqual(tiny.config.maxSeqLen);
      expect(s.logprobs.length).toBe(s.response.length);
    });
    for (let g = 0; g < sizes.length; g++) {
      const keys = new Set(samples.filter((s) => s.group === g).map((s) => s.item.key));
      expect(keys.size).toBe(1);
    }
    // The first turn's group: three samples of one prompt (a group shares its start).
    const first = samples.filter((s) => s.group === 0);
    expect(first).toHaveLength(3);
    expect(first.every((s) => s.promptIds.join() === first[0].promptIds.join())).toBe(true);
    // Masks: 1 exactly on each sample's response tokens, never on padding; one row per sample (and
    // padding rows where a turn's group has fewer samples than the largest).
    const adv = samples.map((s) => s.response.map(() => 1));
    const { feeds, rowOf } = batchFeeds(tiny, samples, adv, 32);
    const [B, W] = feeds.action_mask.dims;
    const mask = feeds.action_mask.data as Float32Array;
    expect(new Set(rowOf).size).toBe(samples.length);
    for (let row = 0; row < B; row++) {
      const b = rowOf.indexOf(row);
      for (let p = 0; p < W; p++) expect(mask[row * W + p]).toBe(b >= 0 && p < samples[b].response.length ? 1 : 0);
    }
    expect(B).toBeGreaterThanOrEqual(samples.length);
    // Deterministic: the same (seed, slot) plays the same episodes.
    const again = await src.rollout(tiny, req);
    expect(again.samples.map((s) => s.text)).toEqual(samples.map((s) => s.text));
    expect(again.samples.map((s) => src.reward(s).total)).toEqual(samples.map((s) => src.reward(s).total));
  }, 20_000);

  it('rewards a scripted episode: format + reward-to-go, success on a goal', async () => {
    // Every turn plays the shot whatever the model said: the close drill's goal in one turn.
    const t = parseFootballTask('football-online-empty-goal-close')!;
    const sampling = { temperature: 1, topP: 1, maxNewTokens: 8 };
    const r = await playEpisodes(tiny, t, [EVAL_SEED, EVAL_SEED + 1], { greedy: true, sampling, seed: 's', wrap: scripted('<think>close</think><answer>shot</answer>') });
    for (const episode of r.episodes) {
      expect(episode.goal).toBe(true);
      expect(episode.turns).toHaveLength(1);
      expect(episode.score).toBeCloseTo(episode.envReturn * 20, 9);
      const s = turnReward({ turn: { episode, index: 0 } });
      expect(s.total).toBeCloseTo(episode.turns[0].format + episode.envReturn, 12);
      expect(s.success).toBe(true);
    }
  });
});

describe('football in the RL loop and the evaluation', () => {
  it('runRlStage calls an episode task and logs pass@n over uneven groups', async () => {
    const model = microModel(2);
    let calls = 0;
    // Text-only episodes for the micro model: repeat items, the last group cut short.
    const fake: Task = {
      kind: 'episodes',
      name: 'fake-episodes',
      vision: true,
      play: () => Promise.reject(new Error('not played whole in this test')),
      async rollout(m, req) {
        calls++;
        const r = await repeatTask.rollout(m, req);
        return { samples: r.samples.slice(0, r.samples.length - 1), timing: r.timing };
      },
      reward: (sample) => sample.item.reward(sample.text),
    };
    const dir = tmp('fb-loop-');
    const run = new Run(dir, model, new Set(), true);
    const logs: Record<string, number | string>[] = [];
    const cfg = { ...microRl(2), promptsPerStep: 3, samplesPerPrompt: 4, klReward: 0 };
    await runRlStage(run, cfg, [fake, repeatTask], { step: 0 }, (l) => logs.push(l));
    expect(calls).toBe(1);
    expect(logs.map((l) => l.task)).toEqual(['fake-episodes', 'repeat']);
    const p = logs[0]['pass@4'];
    expect(typeof p === 'number' && p >= 0 && p <= 1).toBe(true);
    expect(Number.isFinite(logs[0].groups_mixed as number)).toBe(true);
    await model.dispose();
  }, 30_000);

  it('evaluates greedy held-out episodes with CIs and saves verifiable replays', async () => {
    const dir = tmp('fb-replays-');
    const r = await evalEpisodes(tiny, episodeTask('football-online-empty-goal-close'), 3, EVAL_SEED, { maxNewTokens: 16, replayDir: dir });
    expect(r.task).toBe('football-online-empty-goal-close');
    expect(r.items).toBe(3);
    expect(r.success.low).toBeLessThanOrEqual(r.success.mean);
    expect(r.success.high).toBeGreaterThanOrEqual(r.success.mean);
    expect(r.score).not.toBeNull();
    expect(r.passAtK).toBeNull();
    const files = readdirSync(dir).sort();
    expect(files).toEqual([0, 1, 2].map((i) => `football-online-empty-goal-close-${EVAL_SEED + i}.json`).sort());
    const replay = parseReplay(JSON.parse(readFileSync(join(dir, files[0]), 'utf8')));
    expect(replay.seed).toBe(EVAL_SEED);
    expect(verifyReplay(replay).ok).toBe(true);
    // evaluate() dispatches episode tasks by their kind; held-out keys skip them (their starts are seeds).
    const [viaSuite] = await evaluate(tiny, [{ task: 'football-online-empty-goal-close', count: 3 }], { samples: 0, maxNewTokens: 16 });
    expect(viaSuite.success).toEqual(r.success);
    expect(viaSuite.score).toEqual(r.score);
    expect(heldOutKeys([{ task: 'football-online-empty-goal-close', count: 3 }, { task: 'football-act-empty-goal-close', count: 2 }]).size).toBe(2);
  }, 30_000);
});
