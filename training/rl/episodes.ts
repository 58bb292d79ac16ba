// Multi-turn rollouts (Football, online protocol). Every live episode's turn is generated in one
// batch: the turn's prompt (its frame, the task line, a window of past turns) is prepared, sampled
// until `</answer>`, and the raw response is played by the env (an answer naming no action plays
// idle; the env says so in info and never throws). Each turn is one Sample whose prompt holds the
// frame and the env's feedback, so only the model's own tokens are trained (update.ts masks the
// prompt and the padding).
//
// A turn's reward is its format reward (0.5 for the strict <think>...</think><answer>...</answer>)
// plus the env's shaped reward from that turn to the episode's end (reward-to-go). Groups compare
// like with like: one group is the turns at the same turn index of the `n` episodes of one start
// (they share the seed, so the first turn's group is n samples of one prompt).
import type { TinyLMM } from '../../agent/index.js';
import type { Env, Observation } from '../../envs/index.js';
import { FOOTBALL_SCORE_SCALE } from '../../envs/index.js';
import { makeRng } from '../../envs/core/rng.js';
import { formatReward } from '../../envs/rewards/index.js';
import {
  footballEnv,
  footballTurnPrompt,
  footballView,
  noteOf,
  parseFootballTask,
  TRAIN_ENV_SEEDS,
  type FootballTask,
  type TurnNote,
} from '../tasks/football.js';
import type { ChatMessage } from '../../agent/index.js';
import type { EpisodeSource, PromptItem, Scored } from '../tasks/types.js';
import { ANSWER_STOP, imageOf, type RolloutTiming, type Sample, type SamplingConfig } from './rollout.js';

export interface TurnRecord {
  item: PromptItem;
  promptIds: number[];
  image: Sample['image'];
  tokens: number[];
  text: string;
  logprobs: number[];
  truncated: boolean;
  /** Format reward of the answer. */
  format: number;
  /** The env's shaped reward of the turn (all its frames). */
  envReward: number;
  note: TurnNote;
}

export interface EpisodeRecord {
  envSeed: number;
  turns: TurnRecord[];
  goal: boolean;
  /** MageBench's score: the episode's env return x 20. */
  score: number;
  envReturn: number;
}

export interface PlayOptions {
  greedy: boolean;
  sampling: SamplingConfig;
  /** Sampling seed of the run; each turn's batch adds `/turn<t>`. */
  seed: string;
  /** Most rows one generate call takes (default: all live episodes). */
  batchSize?: number;
  /** Wraps each episode's env (e.g. in a ReplayRecorder). */
  wrap?: (env: Env, episode: number) => Env;
}

export interface PlayResult {
  episodes: EpisodeRecord[];
  samplingMs: number;
  envMs: number;
  tokens: number;
}

/**
 * A turn as a PromptItem (what a Sample names). Its own `score` can only grade the format: the
 * turn's reward needs the rest of the episode, so samples carry theirs in `scored`.
 */
function turnItem(task: FootballTask, envSeed: number, turn: number, prompt: ChatMessage[]): PromptItem {
  return {
    task: task.name,
    key: `${task.name}:${envSeed}:${turn}`,
    prompt,
    trace: '',
    score: (response) => {
      const format = formatReward(response).total;
      return { reward: format, parts: { format }, success: false };
    },
  };
}

/** Plays one episode per env seed, every live episode's turn in one batch, up to `task.turns` turns. */
export async function playEpisodes(model: TinyLMM, task: FootballTask, envSeeds: readonly number[], o: PlayOptions): Promise<PlayResult> {
  let envMs = 0;
  let samplingMs = 0;
  let tokens = 0;
  let t0 = performance.now();
  const envs = envSeeds.map((_, i) => (o.wrap ? o.wrap(footballEnv(task.scenario, task.turns), i) : footballEnv(task.scenario, task.turns)));
  const obs: Observation[] = envs.map((env, i) => env.reset({ seed: envSeeds[i] }).observation);
  const records: EpisodeRecord[] = envSeeds.map((envSeed) => ({ envSeed, turns: [], goal: false, score: 0, envReturn: 0 }));
  const done = envSeeds.map(() => false);
  envMs += performance.now() - t0;
  for (let turn = 0; turn < task.turns; turn++) {
    const live = envs.map((_, i) => i).filter((i) => !done[i]);
    if (live.length === 0) break;
    t0 = performance.now();
    const prompts = live.map((i) => footballTurnPrompt(footballView(obs[i]), task.scenario, turn + 1, task.turns, records[i].turns.map((r) => r.note)));
    envMs += performance.now() - t0;
    const batch = o.batchSize ?? live.length;
    for (let c = 0; c < live.length; c += batch) {
      const rows = live.slice(c, c + batch);
      const chunk = prompts.slice(c, c + batch);
      t0 = performance.now();
      const prepared = model.prepare(chunk);
      const gens = await model.generate({
        inputIds: prepared.inputIds,
        pixelValues: prepared.pixelValues,
        greedy: o.greedy,
        temperature: o.sampling.temperature,
        topP: o.sampling.topP,
        maxNewTokens: o.sampling.maxNewTokens,
        stopStrings: ANSWER_STOP,
        seed: `${o.seed}/turn${turn}/${c}`,
      });
      samplingMs += performance.now() - t0;
      t0 = performance.now();
      gens.forEach((g, j) => {
        const i = rows[j];
        tokens += g.tokens.length;
        const r = envs[i].step({ text: g.text });
        const ep = records[i];
        const item = turnItem(task, ep.envSeed, turn, chunk[j]);
        ep.turns.push({
          item,
          promptIds: prepared.inputIds[j],
          image: imageOf(item),
          tokens: g.tokens,
          text: g.text,
          logprobs: g.logprobs,
          truncated: g.finishReason === 'length',
          format: formatReward(g.text).total,
          envReward: r.reward,
          note: noteOf(r.info, r.reward),
        });
        ep.envReturn += r.reward;
        obs[i] = r.observation;
        if (r.terminated || r.truncated) {
          done[i] = true;
          ep.goal = r.info.goal === true;
          ep.score = typeof r.info.score === 'number' ? r.info.score : ep.envReturn * FOOTBALL_SCORE_SCALE;
        }
      });
      envMs += performance.now() - t0;
    }
  }
  // Every env truncates at `turns` decisions, so no episode is left open; this is a safety net.
  records.forEach((ep, i) => {
    if (!done[i]) ep.score = ep.envReturn * FOOTBALL_SCORE_SCALE;
  });
  return { episodes: records, samplingMs, envMs, tokens };
}

/** Reward-to-go of each turn: the sum of the env rewards from that turn to the end (gamma 1). */
export function rewardsToGo(rewards: readonly number[], gamma = 1): number[] {
  const out = new Array<number>(rewards.length);
  let acc = 0;
  for (let t = rewards.length - 1; t >= 0; t--) {
    acc = rewards[t] + gamma * acc;
    out[t] = acc;
  }
  return out;
}

/** Each turn's Scored: format of the turn + the env's reward-to-go; success and score are the episode's. */
export function turnScores(ep: { turns: readonly Pick<TurnRecord, 'format' | 'envReward'>[]; goal: boolean; score: number }): Scored[] {
  const togo = rewardsToGo(ep.turns.map((t) => t.envReward));
  return ep.turns.map((t, i) => ({ reward: t.format + togo[i], parts: { format: t.format, env: togo[i] }, success: ep.goal, score: ep.score }));
}

/**
 * Samples of `groups` x `n` episodes (episode e of start g at index g * n + e): the turns at
 * index t of start g form one group, groups ordered by start then turn, contiguous.
 */
export function episodeSamples(episodes: readonly EpisodeRecord[], n: number): Sample[] {
  const samples: Sample[] = [];
  let group = 0;
  for (let g = 0; g * n < episodes.length; g++) {
    const eps = episodes.slice(g * n, (g + 1) * n);
    const scored = eps.map(turnScores);
    const longest = Math.max(0, ...eps.map((e) => e.turns.length));
    for (let t = 0; t < longest; t++) {
      let any = false;
      eps.forEach((ep, e) => {
        const r = ep.turns[t];
        if (!r) return;
        any = true;
        samples.push({ group, item: r.item, promptIds: r.promptIds, image: r.image, response: r.tokens, text: r.text, logprobs: r.logprobs, scored: scored[e][t], truncated: r.truncated });
      });
      if (any) group++;
    }
  }
  return samples;
}

/** The env seed of start `g` of slot `slot` of a training stream: below TRAIN_ENV_SEEDS, never an evaluation seed. */
export function trainEnvSeed(task: string, seed: number, slot: number, g: number): number {
  return makeRng(`train/${task}/${seed}/${slot}/${g}`).int(TRAIN_ENV_SEEDS);
}

/** `football-online-<scenario>[-t<turns>]` as an RL source. */
export function footballOnlineSource(task: FootballTask): EpisodeSource {
  if (task.kind !== 'online') throw new Error(`${task.name} is not an online football task`);
  return {
    task: task.name,
    vision: true,
    kind: 'episodes',
    async rollout(model, groups, n, sampling, seed, slot): Promise<{ samples: Sample[]; timing: RolloutTiming }> {
      const starts = Array.from({ length: groups }, (_, g) => trainEnvSeed(task.name, seed, slot, g));
      const envSeeds = starts.flatMap((s) => Array.from({ length: n }, () => s));
      const r = await playEpisodes(model, task, envSeeds, { greedy: false, sampling, seed: `${seed}/${task.name}/${slot}` });
      return { samples: episodeSamples(r.episodes, n), timing: { samplingMs: r.samplingMs, rewardMs: r.envMs, tokens: r.tokens } };
    },
  };
}

/** The episode source of a name, or null when it names none. */
export function episodeSource(name: string): EpisodeSource | null {
  const t = parseFootballTask(name);
  return t && t.kind === 'online' ? footballOnlineSource(t) : null;
}
