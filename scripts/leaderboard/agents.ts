/**
 * Agents by name on the command line: `idle`, `random`, `oracle`, `tinylmm:DIR[?temperature=0.7&top_p=0.9&max_tokens=96&seed=1&view=image]`
 * and `openai:MODEL@BASE_URL` (agent/openai-agent.ts; the key from OPENAI_API_KEY). An agent is made per suite entry, since
 * the baselines depend on the env (the action count, the protocol).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Agent } from '../../agent/baselines/agent.js';
import { idleAgent } from '../../agent/baselines/idle.js';
import { oracleAgent } from '../../agent/baselines/oracle.js';
import { randomAgent } from '../../agent/baselines/random.js';
import { make } from '../../envs/index.js';
import type { JsonObject } from '../../envs/core/types.js';

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

function parseTinyLmm(rest: string) {
  const q = rest.indexOf('?');
  const dir = q < 0 ? rest : rest.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : rest.slice(q + 1));
  const num = (key: string, fallback: number, ok: (v: number) => boolean) => {
    const raw = params.get(key);
    if (raw === null) return fallback;
    const v = Number(raw);
    if (!Number.isFinite(v) || !ok(v)) throw new Error(`tinylmm: ${key}=${raw} is out of range`);
    return v;
  };
  for (const key of params.keys()) {
    if (!['temperature', 'top_p', 'max_tokens', 'seed', 'view'].includes(key)) throw new Error(`tinylmm: unknown setting "${key}" (temperature, top_p, max_tokens, seed, view)`);
  }
  const view = params.get('view') ?? 'text';
  if (view !== 'text' && view !== 'image') throw new Error(`tinylmm: view must be text or image, got ${view}`);
  return {
    dir,
    temperature: num('temperature', 0, (v) => v >= 0 && v <= 5),
    topP: num('top_p', 1, (v) => v > 0 && v <= 1),
    maxTokens: num('max_tokens', 96, (v) => Number.isInteger(v) && v >= 1 && v <= 4096),
    seed: num('seed', 0, Number.isSafeInteger),
    view: view as 'text' | 'image',
  };
}

/** Parses one `--agents` item; throws naming the item when it is not an agent this script knows. */
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
    const { tinylmmAgent } = await import('../../agent/tinylmm-agent.js');
    let shared: Agent | null = null;
    // One model for all entries: loading it is the expensive part.
    return { ...base, config: { ...o }, forEntry: async () => (shared ??= tinylmmAgent({ ...o, threads: 2 })) };
  }
  if (label.startsWith('openai:')) {
    const m = /^openai:([^@]+)@(.+)$/.exec(label);
    if (!m) throw new Error(`openai agent: write openai:MODEL@BASE_URL, got "${label}"`);
    const [, model, baseURL] = m;
    const { openaiAgent } = await import('../../agent/openai-agent.js');
    // One agent per protocol (its prompt asks for a whole plan or for moves a turn), shared by the
    // entries that use it, so that its concurrency limit holds across them.
    const byProtocol = new Map<string, Agent>();
    return {
      ...base,
      config: { model, baseURL },
      forEntry: async (_envId, options) => {
        const protocol = options.protocol === 'global' ? 'global' : 'online';
        let agent = byProtocol.get(protocol);
        if (!agent) byProtocol.set(protocol, (agent = openaiAgent({ model, baseURL, name: label, protocol })));
        return agent;
      },
    };
  }
  throw new Error(`unknown agent "${label}": use ${BASELINES.join(', ')}, tinylmm:DIR[?temperature=..&top_p=..&max_tokens=..&seed=..] or openai:MODEL@BASE_URL`);
}
