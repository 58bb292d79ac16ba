// Held-out evaluation of an episode task: greedy episodes from env seeds `seed`, `seed`+1, ...
// (EVAL_SEED and up; training starts lie below 2^29), summarised as every task's TaskResult:
// success = the goal rate, score = the game's score, each with a bootstrap CI over the episodes.
// Each episode can be saved as a replay (envs/replay), as the viewer reads them.
import { join } from 'node:path';
import type { ChatMessage, TinyLMM } from '../../agent/model/index.js';
import type { Env } from '../../envs/core/types.js';
import { writeFileAtomic } from '../../envs/node/atomic-file.js';
import { ReplayRecorder } from '../../envs/replay/index.js';
import type { EpisodeTask } from '../tasks/index.js';
import type { TaskResult } from './result.js';
import { bootstrapCI, mean } from './stats.js';

export interface EpisodeEvalOptions {
  maxNewTokens?: number;
  /** Most episodes one generate call takes (default 64). */
  batchSize?: number;
  /** Where to write each episode's replay (`<task>-<seed>.json`); none when absent. */
  replayDir?: string;
}

/** Greedy episodes of `task` on env seeds seed .. seed + episodes - 1. */
export async function evalEpisodes(model: TinyLMM, task: EpisodeTask, episodes: number, seed: number, o: EpisodeEvalOptions = {}): Promise<TaskResult> {
  if (!(episodes >= 1)) throw new Error(`${task.name}: ${episodes} episodes to evaluate`);
  const seeds = Array.from({ length: episodes }, (_, i) => seed + i);
  const wrap = o.replayDir
    ? (env: Env, i: number) =>
        new ReplayRecorder(env, {
          agent: { name: 'tinylmm', model: model.preset, config: { task: task.name, greedy: true } },
          onEpisodeEnd: (replay) => writeFileAtomic(join(o.replayDir!, `${task.name}-${seeds[i]}.json`), JSON.stringify(replay)),
        })
    : undefined;
  const r = await task.play(model, seeds, {
    greedy: true,
    sampling: { temperature: 1, topP: 1, maxNewTokens: o.maxNewTokens ?? 96 },
    seed: `eval/${task.name}`,
    batchSize: o.batchSize ?? 64,
    wrap,
  });
  const eps = r.episodes;
  const turns = eps.flatMap((e) => e.turns);
  return {
    task: task.name,
    items: eps.length,
    success: bootstrapCI(eps.map((e) => (e.goal ? 1 : 0)), { seed: `${task.name}/success` }),
    outcomes: eps.map((e) => (e.goal ? 1 : 0)),
    score: bootstrapCI(eps.map((e) => e.score), { seed: `${task.name}/score` }),
    scores: eps.map((e) => e.score),
    // What the first turn's reward-to-go holds, averaged over turns' formats: env return + format.
    reward: mean(eps.map((e) => e.envReturn + mean(e.turns.map((t) => t.format)))),
    passAtK: null,
    formatOk: mean(turns.map((t) => (t.format > 0 ? 1 : 0))),
    examples: eps.slice(0, 3).map((e) => ({
      prompt: promptText(e.turns[0]?.item.prompt ?? []),
      answer: e.turns.map((t) => t.text).join(' | '),
      success: e.goal,
    })),
  };
}

/** A prompt as text, its frame shown as `<image>`. */
export function promptText(prompt: readonly ChatMessage[]): string {
  return prompt.map((m) => (typeof m.content === 'string' ? m.content : m.content.map((p) => (p.type === 'text' ? p.text : '<image>')).join(''))).join('\n');
}
