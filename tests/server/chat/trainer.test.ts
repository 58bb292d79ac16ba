/**
 * What a trainer's proxy reads from /v1/chat/completions, on a real loopback server serving the
 * committed tiny checkpoint: logprobs / top_logprobs in OpenAI's shape (streamed and not) equal to
 * the model's own scoring of the same tokens, token ids with vLLM's names (return_token_ids), and
 * the per-session base URL /v1/sessions/<id>. Sampling is the same whether or not log-probs are asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, responseLogprobs, IMAGE, PAD } from '../../../agent/model/index.js';
import { startServer, type TestServer } from '../helpers.js';

const CKPT = 'assets/checkpoints/tiny';
let s: TestServer;
beforeAll(async () => {
  s = await startServer({ models: { tiny: CKPT }, modelThreads: 1, token: 'sekrit' });
});
afterAll(async () => s.close());

const auth = { authorization: 'Bearer sekrit' };
interface Entry {
  token: string;
  logprob: number;
  bytes: number[];
  top_logprobs: { token: string; logprob: number; bytes: number[] }[];
}
interface Completion {
  prompt_token_ids?: number[];
  choices: { index: number; message: { content: string }; logprobs: { content: Entry[] } | null; token_ids?: number[]; finish_reason: string }[];
}
interface OpenAIErr {
  error: { message: string; type: string; param: string | null; code: string | null };
}
const chat = <T = Completion>(body: unknown, path = '/v1/chat/completions', headers: Record<string, string> = auth) => s.call<T>('POST', path, body, headers);
const base = { model: 'tiny', messages: [{ role: 'user', content: 'Push the box onto the goal.' }], max_tokens: 8, seed: 7 };
const served = () => s.app.models.get('tiny')!.model;

/** The chunks of a streamed answer, merged per choice: text, log-prob entries, token ids. */
async function streamed(body: Record<string, unknown>, path = '/v1/chat/completions') {
  const res = await fetch(`${s.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ ...body, stream: true }) });
  const datas = (await res.text())
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice(6));
  expect(datas[datas.length - 1]).toBe('[DONE]');
  const n = (body.n as number | undefined) ?? 1;
  const out = Array.from({ length: n }, () => ({ text: '', content: [] as Entry[], ids: [] as number[], prompt: null as number[] | null }));
  for (const d of datas.slice(0, -1)) {
    const c = JSON.parse(d) as { prompt_token_ids?: number[]; choices: { index: number; delta: { content?: string }; logprobs: { content: Entry[] } | null; token_ids?: number[] }[] };
    for (const ch of c.choices) {
      const o = out[ch.index];
      o.text += ch.delta.content ?? '';
      if (ch.logprobs) o.content.push(...ch.logprobs.content);
      if (ch.token_ids) o.ids.push(...ch.token_ids);
      if (c.prompt_token_ids) o.prompt = c.prompt_token_ids;
    }
  }
  return { status: res.status, choices: out };
}

describe('logprobs and token ids', () => {
  it("are the model's own log-probs of the sampled tokens (responseLogprobs on the same ids), with top alternatives from the same distribution", async () => {
    // Sampled at another temperature and top-p: the log-probs are still those at temperature 1.
    const r = await chat({ ...base, n: 2, temperature: 1.3, top_p: 0.9, logprobs: true, top_logprobs: 5, return_token_ids: true });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const prompt = r.body.prompt_token_ids!;
    expect(prompt.length).toBeGreaterThan(5);
    const model = served();
    const scored = await responseLogprobs(model, { promptIds: r.body.choices.map(() => prompt), responseIds: r.body.choices.map((c) => c.token_ids!) });
    r.body.choices.forEach((c, b) => {
      const ids = c.token_ids!;
      const content = c.logprobs!.content;
      expect(ids.length).toBeGreaterThan(0);
      expect(content).toHaveLength(ids.length);
      content.forEach((e, k) => {
        expect(Math.abs(e.logprob - scored.logprobs[b][k])).toBeLessThan(1e-4);
        expect(e.token).toBe(model.tokenizer.tokenText(ids[k]));
        expect(e.bytes).toEqual(ids[k] < 256 ? [ids[k]] : [...Buffer.from(e.token)]);
        expect(e.top_logprobs).toHaveLength(5);
        const tops = e.top_logprobs.map((t) => t.logprob);
        expect([...tops].sort((x, y) => y - x)).toEqual(tops);
        // The sampled token is among the alternatives or less likely than all of them.
        const hit = e.top_logprobs.find((t) => t.token === e.token);
        if (hit) expect(hit.logprob).toBe(e.logprob);
        else expect(e.logprob).toBeLessThanOrEqual(tops[4]);
        expect(tops.reduce((a, x) => a + Math.exp(x), 0)).toBeLessThanOrEqual(1 + 1e-9);
      });
      // The text is the tokens without the end token (no stop strings here).
      expect(model.tokenizer.decode(ids).replace(/<\|(im_end|endoftext)\|>$/, '')).toBe(c.message.content);
    });
  });

  it('greedy: each token is its step top alternative; logprobs without top_logprobs have empty lists', async () => {
    const g = await chat({ ...base, temperature: 0, logprobs: true, top_logprobs: 1 });
    for (const e of g.body.choices[0].logprobs!.content) expect(e.top_logprobs[0]).toEqual({ token: e.token, logprob: e.logprob, bytes: e.bytes });
    const plain = await chat({ ...base, logprobs: true });
    expect(plain.body.choices[0].logprobs!.content.every((e) => e.top_logprobs.length === 0)).toBe(true);
    expect(plain.body.prompt_token_ids).toBeUndefined();
    const none = await chat({ ...base, logprobs: false, top_logprobs: 0 });
    expect(none.body.choices[0].logprobs).toBeNull();
    expect(none.body.choices[0].token_ids).toBeUndefined();
  });

  it('asking for them leaves the sampled tokens as they were', async () => {
    const ids = await chat({ ...base, n: 3, temperature: 1.3, top_p: 0.9, return_token_ids: true });
    const withLp = await chat({ ...base, n: 3, temperature: 1.3, top_p: 0.9, return_token_ids: true, logprobs: true, top_logprobs: 20 });
    const plain = await chat({ ...base, n: 3, temperature: 1.3, top_p: 0.9 });
    expect(withLp.body.choices.map((c) => c.token_ids)).toEqual(ids.body.choices.map((c) => c.token_ids));
    expect(plain.body.choices.map((c) => c.message.content)).toEqual(ids.body.choices.map((c) => c.message.content));
  });

  it('streamed: the chunks carry the same entries and ids, in order, and the prompt ids on the role chunk', async () => {
    const body = { ...base, n: 2, logprobs: true, top_logprobs: 3, return_token_ids: true, stop: ['o'] };
    const whole = await chat(body);
    const st = await streamed(body);
    expect(st.status).toBe(200);
    st.choices.forEach((c, i) => {
      expect(c.prompt).toEqual(whole.body.prompt_token_ids);
      expect(c.ids).toEqual(whole.body.choices[i].token_ids);
      expect(c.content).toEqual(whole.body.choices[i].logprobs!.content);
      expect(c.text).toBe(whole.body.choices[i].message.content);
    });
  });
});

describe('per-session base URL', () => {
  it('/v1/sessions/<id> answers as /v1 does, echoes the id, and keeps auth and OpenAI errors', async () => {
    const direct = await chat({ ...base, return_token_ids: true });
    const viaSession = await chat({ ...base, return_token_ids: true }, '/v1/sessions/rollout-17:a/chat/completions');
    expect(viaSession.status).toBe(200);
    expect(viaSession.headers.get('x-session-id')).toBe('rollout-17:a');
    expect(viaSession.body.choices[0].token_ids).toEqual(direct.body.choices[0].token_ids);
    const st = await streamed({ ...base, return_token_ids: true }, '/v1/sessions/s1/chat/completions');
    expect(st.choices[0].ids).toEqual(direct.body.choices[0].token_ids);
    const list = await s.call<{ data: { id: string }[] }>('GET', '/v1/sessions/s1/models', undefined, auth);
    expect(list.body.data.map((m) => m.id)).toEqual(['tiny']);
    expect((await s.call('GET', '/v1/sessions/s1/models/tiny', undefined, auth)).status).toBe(200);
    const unknown = await s.call<OpenAIErr>('GET', '/v1/sessions/s1/models/nope', undefined, auth);
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'model_not_found']);
    const noAuth = await chat<OpenAIErr>(base, '/v1/sessions/s1/chat/completions', {});
    expect(noAuth.status).toBe(401);
    const badId = await chat<OpenAIErr>(base, '/v1/sessions/a%20b/chat/completions');
    expect(badId.status).toBe(400);
    expect(badId.body.error.param).toBe('session');
    const badBody = await chat<OpenAIErr>({ ...base, top_logprobs: 2 }, '/v1/sessions/s1/chat/completions');
    expect([badBody.status, badBody.body.error.code, badBody.body.error.param]).toEqual([400, 'invalid_value', 'top_logprobs']);
    expect((await s.call('GET', '/v1/health', undefined, auth)).status).toBe(200);
  });
});

describe('generate with topLogprobs', () => {
  it('draws the same tokens and log-probs as without, and its alternatives are the top of the full distribution', async () => {
    const model = served();
    const prompts = ['Go left', 'Push the box'];
    const opts = { prompts, maxNewTokens: 12, temperature: 1.1, topP: 0.95, seed: 'cmp', stopTokens: [] as number[], bakeWeights: true };
    const a = await generate(model, opts);
    const b = await generate(model, { ...opts, rows: [{ topLogprobs: 4 }, {}] });
    expect(b.map((g) => g.tokens)).toEqual(a.map((g) => g.tokens));
    expect(b.map((g) => g.logprobs)).toEqual(a.map((g) => g.logprobs));
    expect(a[0].topLogprobs).toBeUndefined();
    expect(b[1].topLogprobs).toBeUndefined();
    const top = b[0].topLogprobs!;
    expect(top).toHaveLength(12);
    for (const step of top) {
      expect(step).toHaveLength(4);
      for (let j = 1; j < 4; j++) expect(step[j].logprob).toBeLessThanOrEqual(step[j - 1].logprob);
    }
    // The top alternatives of step 0 are the top of the first-token distribution scored directly.
    const prompt = model.prepare([prompts[0]]).inputIds[0];
    const firstOf = async (t: number) => (await responseLogprobs(model, { promptIds: [prompt], responseIds: [[t]] })).logprobs[0][0];
    for (const alt of top[0].filter((t) => t.token !== IMAGE && t.token !== PAD)) expect(Math.abs(alt.logprob - (await firstOf(alt.token)))).toBeLessThan(1e-4);
  });
});
