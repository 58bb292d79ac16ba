// Closed-loop play throughput of the TinyLMM agent: turns (decisions answered) per wall-clock second
// of Sokoban played from its frames, with C episodes in flight at once for each C of --batches. The
// levels are the leaderboard entry sokoban-small-online's (Sokoban-small-v0, online protocol: one
// answer a turn, the env plays up to max_actions_per_turn of its moves, then the agent sees the new
// frame); greedy, episodes capped at 30 turns.
//
//   npm run bench:play -- [--turns 256] [--batches 1,16,64] [--threads 2] [--view image] [--ckpt DIR] [--max-tokens 224]
//
// Max tokens: 224, what the leaderboard's tinylmm agents get unless told otherwise, not the agent's
// own default of 96. The committed checkpoint writes 120-160 tokens a turn from the frame (the board
// in its think block, then the moves), so at 96 no answer reaches </answer>: every row would run to
// the cap, and the rows of a batch would never finish apart as they do in real play. The line of
// each C says what share of the answers were complete.
//
// Each C runs C slots on one shared agent, as the leaderboard does (agent.concurrency raised to C so
// that the agent takes them all in one batch). A slot plays episodes back to back until it has played
// its share of the turns (turns / C, rounded up), so every slot runs out in the same batch and the
// batches stay C wide to the end: the figure is the steady state, not a tail of stragglers. Every
// episode of a C gets its own level (the entry's seeds, then the seeds after them; each C starts over
// at the first): a level played twice at once would give the same prompts, which generate prefills
// once, and flatter the larger batches.
// C = 1 is the reference and is always measured, first.
import { performance } from 'node:perf_hooks';
import { Command, InvalidArgumentError, Option } from 'commander';
import { rolloutEpisode, tinylmmAgent, TINYLMM_DEFAULTS, type Agent, type AgentDecision } from '../agent/agents/index.js';
import { make } from '../envs/index.js';
import type { JsonObject } from '../envs/core/types.js';
import { parsePositive } from '../envs/node/cli-options.js';
import { loadSuite } from '../training/eval/leaderboard/suite.js';

/** The figure is about 30-turn episodes: the cap of each one. */
const EPISODE_TURNS = 30;
const ENTRY = 'sokoban-small-online';

const batchList = (v: string): number[] => {
  const list = v.split(',').map((x) => parsePositive(x.trim()));
  if (new Set(list).size !== list.length) throw new InvalidArgumentError('a batch size is listed twice');
  return list;
};

const o = new Command('bench-play')
  .description(
    `Closed-loop play throughput of the TinyLMM agent: turns/s of ${ENTRY} episodes (at most ${EPISODE_TURNS} turns each, ` +
      `greedy) with C episodes in flight at once, each C against C = 1 measured in the same run`,
  )
  .option('--turns <n>', 'turns played for each C (rounded up to a multiple of C)', parsePositive, 256)
  .addOption(
    new Option('--batches <list>', 'comma-separated episodes in flight (C); 1, the reference, is always measured').argParser(batchList).default([1, 16, 64], '1,16,64'),
  )
  .option('--threads <n>', 'intra-op threads of the model', parsePositive, 2)
  .addOption(new Option('--view <view>', 'what the agent reads: the frame or the text board').choices(['image', 'text']).default('image'))
  .option('--ckpt <dir>', 'TinyLMM checkpoint directory', 'assets/checkpoints/tiny')
  .option(
    '--max-tokens <n>',
    'new tokens a turn at most (the agent\'s default: a frame\'s answer writes the board first)',
    parsePositive,
    TINYLMM_DEFAULTS.maxTokens,
  )
  .parse()
  .opts<{ turns: number; batches: number[]; threads: number; view: 'image' | 'text'; ckpt: string; maxTokens: number }>();

interface Tally {
  turns: number;
  promptTokens: number;
  completionTokens: number;
  /** Answers that reached </answer> before the token cap. */
  complete: number;
  episodes: number;
  /** Episodes that ended on their own (solved or the env's limit) before the cap or the slot's share. */
  ended: number;
  /** Decisions per model call: acts that arrived in the same event-loop turn (see counted). */
  batches: number[];
}

/**
 * The agent, with its decisions tallied and its batches counted. The TinyLMM agent puts every `act`
 * that arrives before the next `setImmediate` into one generate call; an immediate queued here before
 * the agent's own fires just before it, so the acts counted in between are the agent's batch.
 */
function counted(agent: Agent, tally: Tally): Agent {
  let open: { size: number } | null = null;
  return {
    name: agent.name,
    concurrency: agent.concurrency,
    async act(observation, ctx): Promise<AgentDecision> {
      if (!open) {
        const batch = { size: 0 };
        open = batch;
        setImmediate(() => {
          tally.batches.push(batch.size);
          open = null;
        });
      }
      open.size++;
      const d = await agent.act(observation, ctx);
      tally.turns++;
      tally.promptTokens += d.usage?.promptTokens ?? 0;
      tally.completionTokens += d.usage?.completionTokens ?? 0;
      if (d.text?.includes('</answer>')) tally.complete++;
      return d;
    },
  };
}

/** Plays `turns` turns (rounded up to a multiple of C) with C episodes in flight; seconds and tally. */
async function play(agent: Agent, c: number, turns: number, seeds: readonly number[], envId: string, options: JsonObject) {
  const tally: Tally = { turns: 0, promptTokens: 0, completionTokens: 0, complete: 0, episodes: 0, ended: 0, batches: [] };
  const a = counted(agent, tally);
  let n = 0;
  const nextSeed = () => (n < seeds.length ? seeds[n++] : Math.max(...seeds) + 1 + (n++ - seeds.length));
  const share = Math.ceil(turns / c);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: c }, async () => {
      let left = share;
      while (left > 0) {
        const r = await rolloutEpisode(make(envId, options), a, nextSeed(), { maxSteps: Math.min(EPISODE_TURNS, left) });
        left -= Math.max(1, r.length); // an episode over at reset would otherwise loop forever
        tally.episodes++;
        const last = r.steps.at(-1);
        if (last && (last.terminated || last.truncated)) tally.ended++;
      }
    }),
  );
  return { secs: (performance.now() - t0) / 1000, tally };
}

async function main(): Promise<void> {
  const entry = loadSuite('default').entries.find((e) => e.id === ENTRY);
  if (!entry) throw new Error(`assets/benchmarks/default.json has no entry ${ENTRY}`);
  const batches = [1, ...o.batches.filter((c) => c !== 1)];
  const agent = tinylmmAgent({ ...TINYLMM_DEFAULTS, dir: o.ckpt, temperature: 0, maxTokens: o.maxTokens, view: o.view, threads: o.threads, concurrency: Math.max(...batches) });
  const options = entry.options;

  console.log(
    `${o.ckpt}, view ${o.view}, threads ${o.threads}, ${entry.env_id} ${JSON.stringify(entry.options)} (${ENTRY}), greedy, ` +
      `max ${o.maxTokens} new tokens a turn, episodes capped at ${EPISODE_TURNS} turns, ${o.turns} turns for each C`,
  );
  // Builds the model's sessions outside the timed runs (at batch 1; larger shapes reuse them).
  await play(agent, 1, 1, entry.seeds, entry.env_id, options);

  let ref: { turnsPerSec: number; tokensPerSec: number } | null = null;
  for (const c of batches) {
    const { secs, tally } = await play(agent, c, o.turns, entry.seeds, entry.env_id, options);
    const turnsPerSec = tally.turns / secs;
    const tokensPerSec = tally.completionTokens / secs;
    ref ??= { turnsPerSec, tokensPerSec };
    const b = tally.batches;
    console.log(
      `C=${String(c).padEnd(3)} ${turnsPerSec.toFixed(2).padStart(7)} turns/s (x${(turnsPerSec / ref.turnsPerSec).toFixed(2)})  ` +
        `${tokensPerSec.toFixed(0).padStart(6)} tokens/s (x${(tokensPerSec / ref.tokensPerSec).toFixed(2)})  ` +
        `${(tally.promptTokens / tally.turns).toFixed(0)} prompt + ${(tally.completionTokens / tally.turns).toFixed(1)} new tokens a turn (${((100 * tally.complete) / tally.turns).toFixed(0)}% complete)  ` +
        `${tally.turns} turns in ${secs.toFixed(1)} s, ${tally.episodes} episodes (${tally.ended} ended by the env)  ` +
        `batch ${Math.min(...b)}..${Math.max(...b)} (mean ${(tally.turns / b.length).toFixed(1)}, ${b.length} model calls)`,
    );
  }
  console.log(
    'Prompt: prefilled in full every turn (the frame changes each turn, and the KV cache lives only within one generate call). ' +
      'Prefill vs decode share: not measured (generate reports no phase times).',
  );
  await agent.close?.();
}

await main();
