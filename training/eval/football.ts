// Held-out evaluation of an online football task: greedy episodes from env seeds `seed`, `seed`+1, ...
// (evaluate.ts passes EVAL_SEED; training starts lie below 2^29), summarised in evaluate.ts's
// TaskResult shape: success = the goal rate, score = MageBench's score, each with a bootstrap CI
// over the episodes. Each episode can be saved as a replay (envs/replay), as the viewer reads them.
import { join } from 'node:path';
import type { ChatMessage, TinyLMM } from '../../agent/index.js';
import type { Env } from '../../envs/core/types.js';
import { writeFileAtomic } from '../../envs/node/atomic-file.js';
import { ReplayRecorder } from '../../envs/replay/index.js';
import { playEpisodes } from '../rl/episodes.js';
import { parseFootballTask, type FootballTask } from '../tasks/football.js';
import type { ScenarioId } from '../../envs/football/types.js';
import type { TaskResult } from './evaluate.js';
import { bootstrapCI, mean } from './stats.js';

export interface FootballEvalOptions {
  /** Turns per episode (default: the task's). */
  turns?: number;
  maxNewTokens?: number;
  /** Most episodes one generate call takes (default 64). */
  batchSize?: number;
  /** Where to write each episode's replay (`<task>-<seed>.json`); none when absent. */
  replayDir?: string;
}

export function isFootballOnlineTask(name: string): boolean {
  return parseFootballTask(name)?.kind === 'online';
}

/** Greedy episodes of `football-online-<scenario>` on env seeds seed .. seed + episodes - 1. */
export async function evalFootball(model: TinyLMM, scenario: ScenarioId | string, episodes: number, seed: number, o: FootballEvalOptions = {}): Promise<TaskResult> {
  const name = scenario.startsWith('football-online-') ? scenario : `football-online-${scenario}`;
  const parsed = parseFootballTask(name);
  if (!parsed || parsed.kind !== 'online') throw new Error(`evalFootball: no online football task "${name}"`);
  const task: FootballTask = { ...parsed, turns: o.turns ?? parsed.turns };
  if (!(episodes >= 1)) throw new Error(`evalFootball: ${episodes} episodes`);
  const seeds = Array.from({ length: episodes }, (_, i) => seed + i);
  const wrap = o.replayDir
    ? (env: Env, i: number) =>
        new ReplayRecorder(env, {
          agent: { name: 'tinylmm', model: model.preset, config: { task: task.name, greedy: true } },
          onEpisodeEnd: (replay) => writeFileAtomic(join(o.replayDir!, `${task.name}-${seeds[i]}.json`), JSON.stringify(replay)),
        })
    : undefined;
  const r = await playEpisodes(model, task, seeds, {
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
      prompt: promptText(e.turns[0]?.item.prompt),
      answer: e.turns.map((t) => t.text).join(' | '),
      success: e.goal,
    })),
  };
}

function promptText(prompt: readonly ChatMessage[] | undefined): string {
  return (prompt ?? []).map((m) => (typeof m.content === 'string' ? m.content : m.content.map((p) => (p.type === 'text' ? p.text : '<image>')).join(''))).join('\n');
}
