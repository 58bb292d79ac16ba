/**
 * A TinyLMM checkpoint as an Agent: the prompts training uses (./prompts), sampled with the
 * given settings. Sokoban: the text board prompt by default, the frame with `view: 'image'`.
 * Football: the turn prompt of training's MGT stage (the cropped view, the turn and the turn
 * limit, the last two turns' actions and rewards), always with the frame. Other envs are refused
 * by name: no checkpoint was trained on a prompt for them.
 *
 * Concurrent episodes are batched: every `act` that arrives before the next turn of the event loop
 * goes into one `generate` call, each row with its own seed, so a leaderboard running 16 episodes
 * at once decodes them together.
 */
import { generate, loadModel, type ChatMessage, type TinyLMM } from '../model/index.js';
import type { Agent, AgentContext, AgentDecision } from './agent.js';
import { footballTurnPromptOf, noteOf } from './prompts/football.js';
import { sokobanImagePrompt, sokobanTextPrompt } from './prompts/sokoban.js';
import type { Observation } from '../../envs/core/types.js';
import type { SokobanLevel } from '../../envs/sokoban/types.js';

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

// 224 new tokens: a 7x7 frame's answer writes the board before the positions and the plan (up to
// about 160 tokens for the committed checkpoints; two boxes' plans run longer).
export const TINYLMM_DEFAULTS = { temperature: 0, topP: 1, maxTokens: 224, seed: 0, view: 'text', concurrency: 16 } as const;

/** Generation stops at the end of the answer block, as in training's rollouts. */
const STOP = ['</answer>'];

interface Pending {
  prompt: ChatMessage[];
  seed: string;
  started: number;
  resolve: (d: AgentDecision) => void;
  reject: (e: unknown) => void;
}

/** Sokoban id in its training prompt, the view chosen; Football in its turn prompt. */
function turnPrompt(view: 'text' | 'image', observation: Observation, ctx: AgentContext): ChatMessage[] {
  const envId = ctx.envId ?? '';
  if (envId.startsWith('Sokoban')) {
    // Sokoban's raw state carries the level (`fixed`, `boxes`, `player`), which is all the prompts read.
    const level = observation.state as unknown as SokobanLevel;
    return view === 'image' ? sokobanImagePrompt(level) : sokobanTextPrompt(level);
  }
  if (envId.startsWith('Football')) {
    // The window shows what the env made of each answer, as in training's episodes.
    return footballTurnPromptOf(observation, ctx.history.map((turn) => noteOf(turn.info ?? {}, turn.reward)));
  }
  throw new Error(`tinylmm agent: ${envId || 'this env'} is not supported (Sokoban and Football ids: no checkpoint was trained on a prompt for other envs)`);
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
      const gens = await generate(model, {
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
      let prompt: ChatMessage[];
      try {
        prompt = turnPrompt(view, observation, ctx);
      } catch (e) {
        return Promise.reject(e);
      }
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
