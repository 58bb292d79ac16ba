// Football in the online protocol as an episode task. Every live episode's turn is generated in one
// batch: the turn's prompt (its frame, the task line, a window of past turns) is prepared, sampled
// until `</answer>`, and the raw answer is played by the env (an answer naming no action plays idle;
// the env says so in info and never throws). Each turn is one Sample whose prompt holds the frame
// and the env's feedback, so only the model's own tokens are trained (the loss masks the prompt).
//
// A turn's reward is its format reward (0.5 for the strict <think>...</think><answer>...</answer>)
// plus the env's shaped reward from that turn to the episode's end (reward-to-go). Groups compare
// like with like: one group is the turns at the same turn index of the `n` episodes of one start
// (they share the seed, so the first turn's group is n samples of one prompt).
import { generate, type ChatMessage, type TinyLMM } from '../../../agent/model/index.js';
import type { Observation } from '../../../envs/index.js';
import { FOOTBALL_SCORE_SCALE } from '../../../envs/index.js';
import { makeRng } from '../../../envs/core/rng.js';
import { formatReward, rewardResult, type RewardResult } from '../../../envs/rewards/index.js';
import {
  ANSWER_STOP,
  type EpisodeRecord,
  type EpisodeTask,
  type PlayOptions,
  type PlayResult,
  type PromptItem,
  type Rollout,
  type RolloutRequest,
  type Sample,
} from '../types.js';
import { footballTurnPrompt, footballView, noteOf, type TurnNote } from '../../../agent/agents/index.js';
import { footballEnv, TRAIN_ENV_SEEDS, type FootballTask } from './task.js';

/** `football-online-<scenario>[-t<turns>]` as an episode task. */
export function footballEpisodeTask(task: FootballTask): EpisodeTask {
  if (task.kind !== 'online') throw new Error(`${task.name} is not an online football task`);
  return {
    kind: 'episodes',
    name: task.name,
    vision: true,
    play: (model, envSeeds, o) => playEpisodes(model, task, envSeeds, o),
    rollout: (model, req) => rolloutEpisodes(model, task, req),
    reward: turnReward,
  };
}

/**
 * A turn as a PromptItem (what a Sample names). Its own `reward` can only grade the format: the
 * turn's reward needs the rest of the episode (`turnReward`).
 */
function turnItem(task: FootballTask, envSeed: number, turn: number, prompt: ChatMessage[]): PromptItem {
  return {
    task: task.name,
    key: `${task.name}:${envSeed}:${turn}`,
    prompt,
    trace: '',
    reward: (response) => ({ ...formatReward(response), success: false }),
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
  // What each episode's window of past turns shows.
  const notes: TurnNote[][] = envSeeds.map(() => []);
  const done = envSeeds.map(() => false);
  envMs += performance.now() - t0;
  for (let turn = 0; turn < task.turns; turn++) {
    const live = envs.map((_, i) => i).filter((i) => !done[i]);
    if (live.length === 0) break;
    t0 = performance.now();
    const prompts = live.map((i) => footballTurnPrompt(footballView(obs[i]), task.scenario, turn + 1, task.turns, notes[i]));
    envMs += performance.now() - t0;
    const batch = o.batchSize ?? live.length;
    for (let c = 0; c < live.length; c += batch) {
      const rows = live.slice(c, c + batch);
      const chunk = prompts.slice(c, c + batch);
      t0 = performance.now();
      const prepared = model.prepare(chunk);
      const gens = await generate(model, {
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
      const perRow = prepared.pixelValues ? prepared.pixelValues.length / chunk.length : 0;
      gens.forEach((g, j) => {
        const i = rows[j];
        tokens += g.tokens.length;
        const r = envs[i].step({ text: g.text });
        const ep = records[i];
        ep.turns.push({
          item: turnItem(task, ep.envSeed, turn, chunk[j]),
          promptIds: prepared.inputIds[j],
          pixels: prepared.pixelValues ? prepared.pixelValues.subarray(j * perRow, (j + 1) * perRow) : null,
          tokens: g.tokens,
          text: g.text,
          logprobs: g.logprobs,
          truncated: g.finishReason === 'length',
          format: formatReward(g.text).total,
          envReward: r.reward,
        });
        notes[i].push(noteOf(r.info, r.reward));
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

/** A turn's reward: its format + the env's reward-to-go (the task part); success and score are the episode's. */
export function turnReward(sample: Pick<Sample, 'turn'>): RewardResult {
  if (!sample.turn) throw new Error('turnReward: the sample is not a turn of an episode');
  const { episode, index } = sample.turn;
  const t = episode.turns[index];
  return rewardResult({ format: t.format, task: rewardsToGo(episode.turns.map((x) => x.envReward))[index], success: episode.goal, score: episode.score });
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
    const longest = Math.max(0, ...eps.map((e) => e.turns.length));
    for (let t = 0; t < longest; t++) {
      let any = false;
      for (const episode of eps) {
        const r = episode.turns[t];
        if (!r) continue;
        any = true;
        samples.push({ group, item: r.item, promptIds: r.promptIds, pixels: r.pixels, response: r.tokens, text: r.text, logprobs: r.logprobs, truncated: r.truncated, turn: { episode, index: t } });
      }
      if (any) group++;
    }
  }
  return samples;
}

/** The env seed of start `g` of slot `slot` of a training stream: below TRAIN_ENV_SEEDS, never an evaluation seed. */
export function trainEnvSeed(task: string, seed: number, slot: number, g: number): number {
  return makeRng(`train/${task}/${seed}/${slot}/${g}`).int(TRAIN_ENV_SEEDS);
}

/** `req.groups` starts x `req.n` episodes each, sampled; one Sample a turn. */
async function rolloutEpisodes(model: TinyLMM, task: FootballTask, req: RolloutRequest): Promise<Rollout> {
  const starts = Array.from({ length: req.groups }, (_, g) => trainEnvSeed(task.name, req.seed, req.slot, g));
  const envSeeds = starts.flatMap((s) => Array.from({ length: req.n }, () => s));
  const r = await playEpisodes(model, task, envSeeds, { greedy: false, sampling: req.sampling, seed: `${req.seed}/${task.name}/${req.slot}` });
  return { samples: episodeSamples(r.episodes, req.n), timing: { samplingMs: r.samplingMs, envMs: r.envMs, tokens: r.tokens } };
}
