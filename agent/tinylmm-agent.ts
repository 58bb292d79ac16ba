/**
 * A TinyLMM checkpoint as an Agent: the prompts training uses (agent/prompts), sampled with the
 * given settings. Sokoban only for now: the text board prompt by default, the frame with
 * `view: 'image'`. Football's turn prompts still live in training/tasks/football.ts, which an
 * agent may not import (envs <- agent <- training), so a Football id is refused by name.
 *
 * Concurrent episodes are batched: every `act` that arrives before the next turn of the event loop
 * goes into one `generate` call, each row with its own seed, so a leaderboard running 16 episodes
 * at once decodes them together.
 */
import { loadModel } from './index.js';
import type { TinyLMM } from './model/tinylmm.js';
import type { ChatMessage } from './model/chat.js';
import type { Agent, AgentContext, AgentDecision } from './baselines/agent.js';
import { sokobanImagePrompt, sokobanTextPrompt } from './prompts/sokoban.js';
import type { Observation } from '../envs/core/types.js';
import type { SokobanLevel } from '../envs/sokoban/types.js';

export interface TinyLmmAgentOptions {
  /** Checkpoint directory (as saved by saveModel / train:agent). */
  dir: string;
  /** 0 is greedy. */
  temperature: number;
  topP: number;
  maxTokens: number;
  seed: number;
  view?: 'text' | 'image';
  /** Episodes that may wait on the model at once (they share one batch). */
  concurrency?: number;
  threads?: number;
}

export const TINYLMM_DEFAULTS = { temperature: 0, topP: 1, maxTokens: 96, seed: 0, view: 'text', concurrency: 16 } as const;

/** Generation stops at the end of the answer block, as in training's rollouts. */
const STOP = ['</answer>'];

interface Pending {
  prompt: ChatMessage[];
  seed: string;
  started: number;
  resolve: (d: AgentDecision) => void;
  reject: (e: unknown) => void;
}

export function tinylmmAgent(opts: TinyLmmAgentOptions): Agent {
  const model: TinyLMM = loadModel(opts.dir, { threads: opts.threads });
  const view = opts.view ?? TINYLMM_DEFAULTS.view;
  let queue: Pending[] = [];
  let scheduled = false;

  async function flush(): Promise<void> {
    scheduled = false;
    const batch = queue;
    queue = [];
    try {
      const prepared = model.prepare(batch.map((p) => p.prompt));
      const gens = await model.generate({
        inputIds: prepared.inputIds,
        pixelValues: prepared.pixelValues,
        greedy: opts.temperature === 0,
        temperature: opts.temperature === 0 ? 1 : opts.temperature,
        topP: opts.topP,
        maxNewTokens: opts.maxTokens,
        stopStrings: STOP,
        rows: batch.map((p) => ({ seed: p.seed })),
      });
      const now = performance.now();
      gens.forEach((g, i) =>
        batch[i].resolve({
          action: { text: g.text },
          text: g.text,
          usage: { promptTokens: prepared.inputIds[i].length, completionTokens: g.tokens.length },
          latencyMs: now - batch[i].started,
        }),
      );
    } catch (e) {
      for (const p of batch) p.reject(e);
    }
  }

  return {
    name: `tinylmm:${opts.dir}`,
    concurrency: opts.concurrency ?? TINYLMM_DEFAULTS.concurrency,
    act(observation: Observation, ctx: AgentContext): Promise<AgentDecision> {
      const envId = ctx.envId ?? '';
      if (!envId.startsWith('Sokoban')) {
        return Promise.reject(new Error(`tinylmm agent: ${envId || 'this env'} is not supported yet (Sokoban ids only; the Football turn prompts are not shared with agents yet)`));
      }
      // Sokoban's raw state carries the level (`fixed`, `boxes`, `player`), which is all the prompts read.
      const level = observation.state as unknown as SokobanLevel;
      const prompt = view === 'image' ? sokobanImagePrompt(level) : sokobanTextPrompt(level);
      // A seed per episode and turn: reproducible whatever else shares the batch.
      const seed = `${opts.seed}/${ctx.episodeSeed ?? 0}/${ctx.history.length}`;
      return new Promise((resolve, reject) => {
        queue.push({ prompt, seed, started: performance.now(), resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(() => void flush());
        }
      });
    },
    close: () => model.dispose(),
  };
}
