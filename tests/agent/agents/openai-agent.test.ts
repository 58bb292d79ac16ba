/**
 * End to end: the OpenAI-compatible agent, through the official `openai` client, plays Sokoban
 * episodes (global and online protocol, streaming and not) against this server's
 * /v1/chat/completions serving the committed tiny checkpoint. The prompt is the compact one the
 * checkpoint was trained on (its 512-token context holds nothing longer with a frame).
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rolloutEpisode, openaiAgent, sokobanImagePrompt, type OpenAIAgentOptions, type ChatPrompt } from '../../../agent/agents/index.js';
import { make } from '../../../envs/index.js';
import type { SokobanLevel } from '../../../envs/sokoban/types.js';
import { startServer, type TestServer } from '../../server/helpers.js';

/** The checkpoint's own frame prompt (no system message), read from the observation's level. */
const compact: ChatPrompt = {
  system: () => '',
  turn: (observation) => {
    const [message] = sokobanImagePrompt(observation.state as unknown as SokobanLevel);
    const parts = typeof message.content === 'string' ? [] : message.content;
    return parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('');
  },
};

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ models: { tiny: 'assets/checkpoints/tiny' }, modelThreads: 1, token: 'agent-key' });
  process.env.ARENA_TEST_KEY = 'agent-key';
});
afterAll(async () => {
  delete process.env.ARENA_TEST_KEY;
  await s.close();
});

const agentWith = (o: Partial<OpenAIAgentOptions> = {}) =>
  openaiAgent({ baseURL: `${s.url}/v1`, model: 'tiny', apiKeyEnv: 'ARENA_TEST_KEY', prompt: compact, maxTokens: 24, seed: 3, maxRetries: 0, ...o });

describe('openaiAgent against /v1/chat/completions', () => {
  it('plays a global-protocol episode, streamed and not, with the same text for the same seed', async () => {
    const env = make('Sokoban-small-v0', { protocol: 'global' });
    const plain = await rolloutEpisode(env, agentWith(), 7);
    const streamed = await rolloutEpisode(env, agentWith({ stream: true }), 7);
    for (const r of [plain, streamed]) {
      expect(r.agent).toBe('openai:tiny');
      expect(r.length).toBeGreaterThanOrEqual(1);
      const last = r.steps[r.steps.length - 1];
      expect(last.terminated || last.truncated).toBe(true);
      expect(typeof last.info.score).toBe('number');
      expect(Array.isArray(last.info.parsed_actions)).toBe(true);
      expect(r.steps[0].usage!.promptTokens).toBeGreaterThan(49); // the frame's 49 positions and the text
      expect(r.steps[0].usage!.completionTokens).toBeGreaterThan(0);
      expect(r.steps[0].usage!.completionTokens).toBeLessThanOrEqual(24);
    }
    expect(streamed.steps[0].text).toBe(plain.steps[0].text);
    expect(plain.steps[0].text!.length).toBeGreaterThan(0);
  });

  it('plays an online episode turn by turn, sending the past turns back as text', async () => {
    const env = make('Sokoban-small-v0', { protocol: 'online', max_steps: 3 });
    const r = await rolloutEpisode(env, agentWith({ protocol: 'online', stream: true, historyTurns: 2, historyImages: 0, temperature: 0 }), 2);
    expect(r.length).toBe(3);
    expect(r.steps[2].truncated || r.steps[2].terminated).toBe(true);
    const prompts = r.steps.map((st) => st.usage!.promptTokens);
    // Each turn's prompt holds the earlier turns (observation text and answer), so it grows.
    expect(prompts[1]).toBeGreaterThan(prompts[0]);
    expect(prompts[2]).toBeGreaterThan(prompts[1]);
    for (const st of r.steps) expect(typeof st.text).toBe('string');
  });

  it('surfaces server errors as the client error classes, with OpenAI codes', async () => {
    const env = make('Sokoban-small-v0', { protocol: 'online', max_steps: 3 });
    // Two frames in one request: more than the checkpoint takes.
    const greedy = agentWith({ protocol: 'online', historyTurns: 2, historyImages: 1 });
    const first = env.reset({ seed: 1 });
    const turn = { observation: first.observation, action: { text: 'Up' }, text: '<answer>Up</answer>', reward: 0 };
    const err = await Promise.resolve(greedy.act(first.observation, { history: [turn], envId: env.id })).catch((e: unknown) => e);
    expect(err, String(err)).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('too_many_images');
    const missing = await Promise.resolve(agentWith({ model: 'no-such-model' }).act(first.observation, { history: [], envId: env.id })).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
    delete process.env.NO_SUCH_KEY_VAR;
    expect(() => openaiAgent({ model: 'm', apiKeyEnv: 'NO_SUCH_KEY_VAR' })).toThrow(/NO_SUCH_KEY_VAR is not set/);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const counting: typeof fetch = async (input, init) => {
      inFlight++;
      most = Math.max(most, inFlight);
      try {
        return await fetch(input, init);
      } finally {
        inFlight--;
      }
    };
    const client = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: 'agent-key', fetch: counting, maxRetries: 0 });
    const agent = agentWith({ client, concurrency: 2, maxTokens: 4 });
    expect(agent.concurrency).toBe(2);
    const env = make('Sokoban-small-v0', { protocol: 'global' });
    const obs = env.reset({ seed: 4 }).observation;
    const ds = await Promise.all(Array.from({ length: 5 }, () => agent.act(obs, { history: [], envId: env.id })));
    expect(ds.every((d) => typeof d.text === 'string' && d.usage !== undefined)).toBe(true);
    expect(most).toBe(2);
  });

  it('sends the default prompt: system rules, the frame as a PNG data URL, the text observation, a history window', async () => {
    const bodies: { messages: { role: string; content: unknown }[] }[] = [];
    const canned: typeof fetch = async (_input, init) => {
      bodies.push(JSON.parse(String(init?.body)));
      const answer = { id: 'x', object: 'chat.completion', created: 0, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: '<answer>Up</answer>' }, finish_reason: 'stop' }] };
      return new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const client = new OpenAI({ baseURL: 'http://127.0.0.1:9/v1', apiKey: 'k', fetch: canned, maxRetries: 0 });
    const agent = openaiAgent({ model: 'm', client, protocol: 'online', historyTurns: 2, historyImages: 1 });
    const env = make('Sokoban-small-v0', { protocol: 'online' });
    const r = await rolloutEpisode(env, agent, 5, { maxSteps: 4 });
    expect(r.steps[0].action).toEqual({ text: '<answer>Up</answer>' });
    const first = bodies[0].messages;
    expect(first.map((m) => m.role)).toEqual(['system', 'user']);
    expect(String(first[0].content)).toMatch(/push/i);
    const [image, text] = first[1].content as [{ type: string; image_url: { url: string } }, { type: string; text: string }];
    expect(image.type).toBe('image_url');
    const png = Buffer.from(image.image_url.url.replace(/^data:image\/png;base64,/, ''), 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(env.reset({ seed: 5 }).observation.image.width);
    expect(text.text).toContain(env.reset({ seed: 5 }).observation.text);
    // Turn 4: system, two past turns (user + assistant each), the current turn; only the newest past turn has its frame.
    const last = bodies[3].messages;
    expect(last.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user']);
    const hasImage = (m: { content: unknown }) => Array.isArray(m.content) && m.content.some((p: { type: string }) => p.type === 'image_url');
    expect(last.map(hasImage)).toEqual([false, false, false, true, false, true]);
    expect(last[2].content).toBe('<answer>Up</answer>');
  });
});
