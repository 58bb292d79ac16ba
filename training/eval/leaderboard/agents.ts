/**
 * Agents by name on the command line: `idle`, `random`, `oracle`, `tinylmm:DIR[?temperature=0.7&top_p=0.9&max_tokens=224&seed=1&view=image]`
 * and `openai:MODEL@BASE_URL[?stream=1&max_tokens=64&prompt=tinylmm&...]` (agent/agents/openai-agent.ts; the key from
 * OPENAI_API_KEY). An agent is made per suite entry, since
 * the baselines depend on the env (the action count, the protocol).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Agent, idleAgent, openaiAgent, oracleAgent, randomAgent, tinylmmAgent, TINYLMM_DEFAULTS, TINYLMM_SOKOBAN_CHAT_PROMPT } from '../../../agent/agents/index.js';
import { make } from '../../../envs/index.js';
import { readSpecSettings } from './spec-settings.js';
import type { JsonObject } from '../../../envs/core/types.js';

export interface AgentSpec {
  /** The name as given: the leaderboard's row label. */
  label: string;
  /** A file-safe form of the label, naming the agent's replay directory. */
  slug: string;
  /** What the replays record as the agent's configuration. */
  config: JsonObject;
  /** The agent for one suite entry. */
  forEntry(envId: string, options: JsonObject): Promise<Agent>;
}

export const BASELINES = ['idle', 'random', 'oracle'] as const;

export function slugOf(label: string): string {
  const s = label.toLowerCase().replace(/[^a-z0-9.-]+/g, '_').replace(/^_+|_+$/g, '');
  return s.slice(0, 80) || 'agent';
}

function actionCount(envId: string, options: JsonObject): number {
  const space = make(envId, options).spaces.action;
  if (space.type !== 'discrete') throw new Error(`random: ${envId} has no discrete action space`);
  return space.n;
}

/** `DIR[?settings]` of a `tinylmm:` spec. */
function parseTinyLmm(rest: string) {
  const q = rest.indexOf('?');
  const dir = q < 0 ? rest : rest.slice(0, q);
  const set = readSpecSettings('tinylmm', q < 0 ? '' : rest.slice(q + 1), ['temperature', 'top_p', 'max_tokens', 'seed', 'view']);
  return {
    dir,
    temperature: set.num('temperature', 0, (v) => v >= 0 && v <= 5),
    topP: set.num('top_p', 1, (v) => v > 0 && v <= 1),
    maxTokens: set.num('max_tokens', TINYLMM_DEFAULTS.maxTokens, (v) => Number.isInteger(v) && v >= 1 && v <= 4096),
    seed: set.num('seed', 0, Number.isSafeInteger),
    view: set.oneOf('view', 'text', ['text', 'image'] as const),
  };
}

const OPENAI_SETTINGS = ['stream', 'temperature', 'top_p', 'max_tokens', 'seed', 'prompt', 'concurrency', 'history'] as const;

/**
 * `MODEL@BASE_URL[?settings]` of an `openai:` spec. The settings start at the first `?` after the
 * `@` (a base URL has no query of its own). `prompt=tinylmm` sends a served TinyLMM checkpoint
 * the compact text prompt it was trained on, without frames or past turns.
 */
function parseOpenAI(label: string) {
  const m = /^openai:([^@]+)@([^?]+)(?:\?(.*))?$/.exec(label);
  if (!m) throw new Error(`openai agent: write openai:MODEL@BASE_URL[?stream=1&max_tokens=..], got "${label}"`);
  const [, model, baseURL, query = ''] = m;
  const set = readSpecSettings('openai', query, OPENAI_SETTINGS);
  const prompt = set.oneOf('prompt', 'chat', ['chat', 'tinylmm'] as const);
  const tiny = prompt === 'tinylmm';
  return {
    model,
    baseURL,
    stream: set.bool('stream', false),
    prompt,
    // Unset sampling settings are left to the server (sent as absent), as any OpenAI client does.
    temperature: set.optionalNum('temperature', (v) => v >= 0 && v <= 2),
    topP: set.optionalNum('top_p', (v) => v > 0 && v <= 1),
    maxTokens: set.optionalNum('max_tokens', (v) => Number.isInteger(v) && v >= 1),
    seed: set.optionalNum('seed', Number.isSafeInteger),
    concurrency: set.num('concurrency', 4, (v) => Number.isInteger(v) && v >= 1 && v <= 64),
    historyTurns: set.num('history', tiny ? 0 : 4, (v) => Number.isInteger(v) && v >= 0 && v <= 64),
  };
}

/** Parses one `--agents` item; throws naming the item when it is not an agent the leaderboard knows. */
export async function agentSpec(label: string): Promise<AgentSpec> {
  const base = { label, slug: slugOf(label) };
  switch (label) {
    case 'idle':
      return { ...base, config: {}, forEntry: async () => idleAgent() };
    case 'random':
      return { ...base, config: { seed: 0 }, forEntry: async (envId, options) => randomAgent(actionCount(envId, options), 0) };
    case 'oracle':
      return { ...base, config: {}, forEntry: async (envId, options) => oracleAgent(envId, options) };
  }
  if (label.startsWith('tinylmm:')) {
    const o = parseTinyLmm(label.slice('tinylmm:'.length));
    if (!existsSync(join(o.dir, 'manifest.json'))) throw new Error(`tinylmm: ${o.dir} is not a checkpoint directory (no manifest.json)`);
    let shared: Agent | null = null;
    // One model for all entries: loading it is the expensive part.
    return { ...base, config: { ...o }, forEntry: async () => (shared ??= tinylmmAgent({ ...o, threads: 2 })) };
  }
  if (label.startsWith('openai:')) {
    const o = parseOpenAI(label);
    const { prompt, ...settings } = o;
    const tiny = prompt === 'tinylmm';
    // One agent per protocol (its prompt asks for a whole plan or for moves a turn), shared by the
    // entries that use it, so that its concurrency limit holds across them.
    const byProtocol = new Map<string, Agent>();
    const config = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as JsonObject;
    return {
      ...base,
      config,
      forEntry: async (_envId, options) => {
        const protocol = options.protocol === 'global' ? 'global' : 'online';
        let agent = byProtocol.get(protocol);
        if (!agent) {
          agent = openaiAgent({ ...settings, name: label, protocol, ...(tiny ? { prompt: TINYLMM_SOKOBAN_CHAT_PROMPT, images: false } : {}) });
          byProtocol.set(protocol, agent);
        }
        return agent;
      },
    };
  }
  throw new Error(`unknown agent "${label}": use ${BASELINES.join(', ')}, tinylmm:DIR[?temperature=..&top_p=..&max_tokens=..&seed=..] or openai:MODEL@BASE_URL[?stream=1&temperature=..&top_p=..&max_tokens=..&seed=..&prompt=chat|tinylmm&concurrency=..&history=..]`);
}
