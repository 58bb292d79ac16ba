/**
 * An agent that asks any LMM behind an OpenAI-compatible chat API (OpenAI, vLLM, Ollama, llama.cpp's
 * server, this suite's own /v1/chat/completions) for its moves, on the official `openai` client:
 * timeouts, retries with backoff and streaming are the client's.
 *
 * Each turn is one chat request: the system prompt (the game's rules and answer format), then for
 * the online protocol the last `historyTurns` turns (their observation as text, the newest
 * `historyImages` of them with their frame, and the model's answer), then the current frame as a
 * PNG data URL in an `image_url` part beside the text observation. The decision's action is the
 * raw answer as a `{ text }` action: the env reads the moves out of it with its own protocol
 * parser, so invalid moves are reported as such (the replay keeps the text and what was parsed).
 */
import OpenAI from 'openai';
import type { ChatCompletionContentPart, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { encodePng } from '../../envs/render/png.js';
import type { Observation, Protocol } from '../../envs/core/types.js';
import type { Agent, AgentContext, AgentDecision, AgentTurn } from './agent.js';
import { GENERIC_CHAT_PROMPT, type ChatPrompt, type ChatPromptContext } from './prompts/chat-prompt.js';
import { FOOTBALL_CHAT_PROMPT } from './prompts/football-chat.js';
import { SOKOBAN_CHAT_PROMPT } from './prompts/sokoban-chat.js';

export interface OpenAIAgentOptions {
  /** The API's base URL, e.g. http://127.0.0.1:8000/v1 (default: the client's, api.openai.com). */
  baseURL?: string;
  model: string;
  /** Environment variable holding the API key (default OPENAI_API_KEY). */
  apiKeyEnv?: string;
  /** Agent name in replays and on the leaderboard (default `openai:<model>`). */
  name?: string;
  /** Per-request timeout in ms (default 60 000) and retries with backoff (default 2): the client's. */
  timeoutMs?: number;
  maxRetries?: number;
  /** Stream the answer (server-sent events) instead of one JSON response. */
  stream?: boolean;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  /** Sent as the request seed; each turn adds its turn number, so turns differ but replays match. */
  seed?: number;
  stop?: string[];
  /**
   * Whole plan in one answer (global) or moves a turn (online): set it to the env's `protocol`
   * option, which the agent is not told. Unset: Sokoban global, others online, and online from
   * a second turn on.
   */
  protocol?: Protocol;
  /** Moves one online answer may hold (the env's max_actions_per_turn). Default 1. */
  movesPerTurn?: number;
  /** Past turns sent with each online request (default 4). */
  historyTurns?: number;
  /** How many of those past turns also carry their frame (default 1; 0 sends only the current one). */
  historyImages?: number;
  /** Send frames at all (default true); false makes a text-only agent. */
  images?: boolean;
  /** Requests in flight at once across all episodes (default 4); also the agent's `concurrency`. */
  concurrency?: number;
  /** Wording per env; default the suite's LMM-R1-style Sokoban and MageBench-style Football prompts. */
  prompt?: ChatPrompt | ((envId: string | undefined) => ChatPrompt);
  /** A client to use instead of one made from the options above (tests, custom fetch). */
  client?: OpenAI;
}

/** The suite's wording for an env id. */
export function chatPromptFor(envId: string | undefined): ChatPrompt {
  if (envId?.startsWith('Sokoban')) return SOKOBAN_CHAT_PROMPT;
  if (envId?.startsWith('Football')) return FOOTBALL_CHAT_PROMPT;
  return GENERIC_CHAT_PROMPT;
}

/** A PNG data URL of an observation's frame. */
export function frameDataUrl(observation: Observation): string {
  return `data:image/png;base64,${Buffer.from(encodePng(observation.image)).toString('base64')}`;
}

/** A counting semaphore: at most `limit` holders at once, waiters served in order. */
class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async run<T>(f: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    else this.active++;
    try {
      return await f();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight to the next waiter
      else this.active--;
    }
  }
}

function makeClient(o: OpenAIAgentOptions): OpenAI {
  const env = o.apiKeyEnv ?? 'OPENAI_API_KEY';
  const key = process.env[env];
  // Local servers (vLLM, Ollama, this suite's) usually take no key, but the client insists on one.
  if (!key && !o.baseURL) throw new Error(`openaiAgent: the API key variable ${env} is not set (set it, or name another with apiKeyEnv)`);
  return new OpenAI({ baseURL: o.baseURL, apiKey: key || 'no-key', timeout: o.timeoutMs ?? 60_000, maxRetries: o.maxRetries ?? 2 });
}

export function openaiAgent(opts: OpenAIAgentOptions): Agent {
  if (!opts.model) throw new Error('openaiAgent: model is required');
  const concurrency = opts.concurrency ?? 4;
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) throw new Error(`openaiAgent: concurrency must be a positive integer, got ${concurrency}`);
  const client = opts.client ?? makeClient(opts);
  const limiter = new Limiter(concurrency);
  const historyTurns = opts.historyTurns ?? 4;
  const historyImages = opts.historyImages ?? 1;
  const withImages = opts.images ?? true;
  const promptOf = (envId: string | undefined): ChatPrompt =>
    typeof opts.prompt === 'function' ? opts.prompt(envId) : (opts.prompt ?? chatPromptFor(envId));

  const userTurn = (observation: Observation, image: boolean, prompt: ChatPrompt, pctx: ChatPromptContext): ChatCompletionMessageParam => {
    const text = prompt.turn(observation, pctx);
    if (!image) return { role: 'user', content: text };
    const parts: ChatCompletionContentPart[] = [
      { type: 'image_url', image_url: { url: frameDataUrl(observation) } },
      { type: 'text', text },
    ];
    return { role: 'user', content: parts };
  };

  const messagesFor = (observation: Observation, ctx: AgentContext): ChatCompletionMessageParam[] => {
    // Without the option: a second turn means online (a global episode ends after its one answer);
    // a first turn gets the game's usual protocol, Sokoban's global, the others' online.
    const protocol = opts.protocol ?? (ctx.history.length > 0 || !ctx.envId?.startsWith('Sokoban') ? 'online' : 'global');
    const pctx: ChatPromptContext = { envId: ctx.envId, protocol, movesPerTurn: opts.movesPerTurn ?? 1 };
    const prompt = promptOf(ctx.envId);
    const messages: ChatCompletionMessageParam[] = [];
    const system = prompt.system(pctx);
    if (system) messages.push({ role: 'system', content: system });
    const past: readonly AgentTurn[] = protocol === 'online' && historyTurns > 0 ? ctx.history.slice(-historyTurns) : [];
    past.forEach((turn, i) => {
      messages.push(userTurn(turn.observation, withImages && i >= past.length - historyImages, prompt, pctx));
      messages.push({ role: 'assistant', content: turn.text ?? JSON.stringify(turn.action) });
    });
    messages.push(userTurn(observation, withImages, prompt, pctx));
    return messages;
  };

  const ask = async (messages: ChatCompletionMessageParam[], turn: number) => {
    const base = {
      model: opts.model,
      messages,
      temperature: opts.temperature,
      top_p: opts.topP,
      max_tokens: opts.maxTokens,
      stop: opts.stop,
      seed: opts.seed === undefined ? undefined : opts.seed + turn,
    };
    if (!opts.stream) {
      const r = await client.chat.completions.create({ ...base, stream: false });
      const text = r.choices[0]?.message?.content ?? '';
      return { text, usage: r.usage ? { promptTokens: r.usage.prompt_tokens, completionTokens: r.usage.completion_tokens } : undefined };
    }
    const s = await client.chat.completions.create({ ...base, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: AgentDecision['usage'];
    for await (const chunk of s) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens };
    }
    return { text, usage };
  };

  return {
    name: opts.name ?? `openai:${opts.model}`,
    concurrency,
    async act(observation: Observation, ctx: AgentContext): Promise<AgentDecision> {
      const messages = messagesFor(observation, ctx);
      return limiter.run(async () => {
        const started = performance.now();
        const { text, usage } = await ask(messages, ctx.history.length);
        return { action: { text }, text, usage, latencyMs: performance.now() - started };
      });
    },
  };
}
