/**
 * POST /v1/chat/completions and GET /v1/models on a real loopback server serving the committed
 * tiny checkpoint: the OpenAI response and chunk formats, n, stop, seeds, images, errors in
 * OpenAI's shape with their status codes, and batching across concurrent clients. Generations are
 * kept to a few tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePngFast } from '../../../envs/render/png-node.js';
import { make } from '../../../envs/index.js';
import { startServer, type TestServer } from '../helpers.js';

const CKPT = 'assets/checkpoints/tiny';
let s: TestServer;
beforeAll(async () => {
  s = await startServer({ models: { tiny: CKPT }, modelThreads: 1, token: 'sekrit' });
});
afterAll(async () => s.close());

const auth = { authorization: 'Bearer sekrit' };
interface Completion {
  id: string;
  object: string;
  model: string;
  choices: { index: number; message: { role: string; content: string }; finish_reason: string }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}
interface OpenAIErr {
  error: { message: string; type: string; param: string | null; code: string | null };
}
const chat = <T = Completion>(body: unknown) => s.call<T>('POST', '/v1/chat/completions', body, auth);
const user = (content: unknown) => [{ role: 'user', content }];

function frameUrl(): string {
  const env = make('Sokoban-small-v0');
  const { observation } = env.reset({ seed: 3 });
  return `data:image/png;base64,${encodePngFast(observation.image).toString('base64')}`;
}

/** The events of an SSE body: parsed JSON chunks, and whether it ended with [DONE]. */
function events(body: string): { chunks: Record<string, unknown>[]; done: boolean } {
  const datas = body
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice(6));
  const done = datas[datas.length - 1] === '[DONE]';
  return { chunks: datas.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d) as Record<string, unknown>), done };
}

async function streamed(body: Record<string, unknown>): Promise<{ status: number; type: string | null; text: string[]; finish: string[]; usage: unknown; done: boolean }> {
  const res = await fetch(`${s.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ ...body, stream: true, stream_options: { include_usage: true } }),
  });
  const { chunks, done } = events(await res.text());
  const n = (body.n as number | undefined) ?? 1;
  const text = Array.from({ length: n }, () => '');
  const finish = Array.from({ length: n }, () => '');
  let usage: unknown = null;
  for (const c of chunks) {
    expect(c.object).toBe('chat.completion.chunk');
    for (const ch of c.choices as { index: number; delta: { content?: string }; finish_reason: string | null }[]) {
      text[ch.index] += ch.delta.content ?? '';
      if (ch.finish_reason) finish[ch.index] = ch.finish_reason;
    }
    if (c.usage) usage = c.usage;
  }
  return { status: res.status, type: res.headers.get('content-type'), text, finish, usage, done };
}

describe('/v1/models', () => {
  it('lists the loaded checkpoint with its context length, and 404s an unknown one in OpenAI shape', async () => {
    const r = await s.call<{ object: string; data: { id: string; object: string; max_model_len: number }[] }>('GET', '/v1/models', undefined, auth);
    expect(r.status).toBe(200);
    expect(r.body.data.map((m) => [m.id, m.object, m.max_model_len])).toEqual([['tiny', 'model', 512]]);
    const missing = await s.call<OpenAIErr>('GET', '/v1/models/nope', undefined, auth);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('model_not_found');
  });
});

describe('POST /v1/chat/completions', () => {
  it('answers n choices with usage; the same seed gives the same choices, another seed others', async () => {
    const body = { model: 'tiny', messages: user('Sokoban. Push every box onto a target.'), n: 3, max_tokens: 8, seed: 5, temperature: 1 };
    const a = await chat(body);
    expect(a.status).toBe(200);
    expect(a.body.object).toBe('chat.completion');
    expect(a.body.id).toMatch(/^chatcmpl-/);
    expect(a.body.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    for (const c of a.body.choices) {
      expect(c.message.role).toBe('assistant');
      expect(['stop', 'length']).toContain(c.finish_reason);
    }
    expect(a.body.usage.prompt_tokens).toBeGreaterThan(20);
    expect(a.body.usage.completion_tokens).toBeGreaterThan(0);
    expect(a.body.usage.completion_tokens).toBeLessThanOrEqual(24);
    expect(a.body.usage.total_tokens).toBe(a.body.usage.prompt_tokens + a.body.usage.completion_tokens);
    const again = await chat(body);
    expect(again.body.choices.map((c) => c.message.content)).toEqual(a.body.choices.map((c) => c.message.content));
    const other = await chat({ ...body, seed: 6 });
    expect(other.body.choices.map((c) => c.message.content)).not.toEqual(a.body.choices.map((c) => c.message.content));
    // The choices of one request are sampled independently.
    expect(new Set(a.body.choices.map((c) => c.message.content)).size).toBeGreaterThan(1);
  });

  it('stops before the first stop string and leaves it out', async () => {
    const base = { model: 'tiny', messages: user('Countdown. Reach 24 with 3, 8 and 1.'), max_tokens: 14, temperature: 0 };
    const full = (await chat(base)).body.choices[0].message.content;
    expect(full.length).toBeGreaterThan(8);
    const stop = full.slice(6, 8);
    const cut = await chat({ ...base, stop: [stop, 'never-written'] });
    expect(cut.body.choices[0].message.content).toBe(full.slice(0, full.indexOf(stop)));
    expect(cut.body.choices[0].finish_reason).toBe('stop');
    // Streamed, the same text arrives in pieces, never the stop string itself.
    const st = await streamed({ ...base, stop });
    expect(st.text[0]).toBe(cut.body.choices[0].message.content);
    expect(st.finish[0]).toBe('stop');
  });

  it('streams server-sent events whose deltas add up to the non-streamed answer, then [DONE]', async () => {
    const body = { model: 'tiny', messages: user('Sokoban. Moves: Up, Down, Left, Right.'), n: 2, max_tokens: 10, seed: 11 };
    const plain = await chat(body);
    const st = await streamed(body);
    expect(st.status).toBe(200);
    expect(st.type).toMatch(/^text\/event-stream/);
    expect(st.done).toBe(true);
    expect(st.text).toEqual(plain.body.choices.map((c) => c.message.content));
    expect(st.finish).toEqual(plain.body.choices.map((c) => c.finish_reason));
    expect(st.usage).toEqual(plain.body.usage);
  });

  it('takes a PNG frame as an image_url data URL', async () => {
    const r = await chat({
      model: 'tiny',
      messages: user([
        { type: 'image_url', image_url: { url: frameUrl() } },
        { type: 'text', text: 'Sokoban. Push every box onto a target. Moves: Up, Down, Left, Right.' },
      ]),
      max_tokens: 6,
      seed: 1,
    });
    expect(r.status).toBe(200);
    // The image is 49 positions of the prompt (7 x 7 patches).
    expect(r.body.usage.prompt_tokens).toBeGreaterThan(49 + 60);
  });

  it('batches concurrent clients into shared engine calls', async () => {
    const { stats } = s.app.models.get('tiny')!.batcher;
    const before = { ...stats };
    const rs = await Promise.all(
      Array.from({ length: 6 }, (_, i) => chat({ model: 'tiny', messages: user(`client ${i}`), max_tokens: 4 + i, seed: i })),
    );
    expect(rs.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    rs.forEach((r, i) => expect(r.body.usage.completion_tokens).toBeLessThanOrEqual(4 + i)); // each its own limit
    expect(stats.requests - before.requests).toBe(6);
    expect(stats.batches - before.batches).toBeLessThan(6);
  });
});

describe('errors in OpenAI shape', () => {
  const bad = async (body: unknown, status: number, code: string | null, param?: string) => {
    const r = await chat<OpenAIErr>(body);
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    expect(Object.keys(r.body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    if (code !== null) expect(r.body.error.code).toBe(code);
    if (param !== undefined) expect(r.body.error.param).toBe(param);
    expect(r.body.error.message.length).toBeGreaterThan(10);
    return r.body.error;
  };
  const image = (url: string) => ({ model: 'tiny', messages: user([{ type: 'image_url', image_url: { url } }, { type: 'text', text: 'x' }]), max_tokens: 2 });
  const pngWithSize = (w: number, h: number) => {
    const png = encodePngFast({ width: 2, height: 2, data: new Uint8ClampedArray(16) });
    png.writeUInt32BE(w, 16);
    png.writeUInt32BE(h, 20);
    return `data:image/png;base64,${png.toString('base64')}`;
  };

  it('bad image URLs are 400s naming the part, not crashes', async () => {
    const param = 'messages[0].content[0].image_url.url';
    await bad(image('data:image/png;base64,AAAA'), 400, 'invalid_image_format', param);
    await bad(image('data:image/png;base64,@@@not base64@@@'), 400, 'invalid_image_url', param);
    await bad(image('https://example.com/frame.png'), 400, 'invalid_image_url', param);
    await bad(image('data:image/jpeg;base64,/9j/4AAQ'), 400, 'invalid_image_format', param);
    await bad(image(pngWithSize(100_000, 100_000)), 400, 'image_too_large', param);
    await bad(image(pngWithSize(3, 3)), 400, 'invalid_image_format', param); // header and data disagree
    const two = { type: 'image_url', image_url: { url: frameUrl() } };
    await bad({ model: 'tiny', messages: user([two, two]), max_tokens: 2 }, 400, 'too_many_images', 'messages[0].content[1].image_url.url');
  });

  it('bad requests are 400s with the parameter named; unknown models 404; a bad token 401', async () => {
    await bad({ model: 'tiny', messages: [{ role: 'tool', content: 'x' }] }, 400, 'invalid_value', 'messages[0].role');
    await bad({ model: 'tiny', messages: [] }, 400, null, 'messages');
    await bad({ model: 'tiny', messages: user('x'), temperature: 3 }, 400, null, 'temperature');
    await bad({ model: 'tiny', messages: user('x'), n: 0 }, 400, null, 'n');
    await bad({ model: 'tiny', messages: user('x'), max_tokens: 100_000 }, 400, 'context_length_exceeded', 'max_tokens');
    await bad({ model: 'tiny', messages: user('y'.repeat(600)) }, 400, 'context_length_exceeded', 'messages');
    await bad({ model: 'tiny', messages: user('x'), tools: [{ type: 'function' }] }, 400, 'unsupported_parameter', 'tools');
    await bad({ model: 'tiny', messages: user('x'), top_logprobs: 3 }, 400, 'invalid_value', 'top_logprobs');
    await bad({ model: 'nope', messages: user('x') }, 404, 'model_not_found', 'model');
    const broken = await s.call<OpenAIErr>('POST', '/v1/chat/completions', '{"model": ', { ...auth });
    expect(broken.status).toBe(400);
    expect(broken.body.error.type).toBe('invalid_request_error');
    const noKey = await s.call<OpenAIErr>('POST', '/v1/chat/completions', { model: 'tiny', messages: user('x') });
    expect(noKey.status).toBe(401);
    expect(noKey.body.error.code).toBe('invalid_api_key');
    // Still serving after all of that.
    const ok = await chat({ model: 'tiny', messages: user('x'), max_tokens: 2 });
    expect(ok.status).toBe(200);
  });
});
