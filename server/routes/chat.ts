/**
 * The OpenAI-compatible routes: POST /v1/chat/completions and GET /v1/models[/:model], serving the
 * loaded TinyLMM checkpoints. Requests of all clients go through each model's batching queue;
 * `stream: true` answers as server-sent events in OpenAI's chunk format, ending with
 * `data: [DONE]`. Errors are OpenAI-shaped (`{ error: { message, type, param, code } }`).
 * For trainers: `logprobs` / `top_logprobs` (the model's own log-probs at temperature 1),
 * `return_token_ids` (vLLM's name: `prompt_token_ids` and each choice's `token_ids`), and the same
 * routes under a per-session base URL, /v1/sessions/<id>, which a proxy can tell apart.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Generation, TopLogprob, Tokenizer } from '../../agent/model/index.js';
import type { GenerationRequest } from '../chat/batcher.js';
import { ChoiceText } from '../chat/choice-text.js';
import { ImageDecoder } from '../chat/image-decoder.js';
import { invalid, OpenAIError, sendOpenAIError, toOpenAIError } from '../chat/openai-error.js';
import { textLength, toChatMessages, type OpenAIMessage } from '../chat/prompt.js';
import type { ServedModel } from '../chat/models.js';

const MAX_TEXT = 1 << 20;
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T, description: string) => Type.Optional(Type.Union([t, Type.Null()], { description }));

const TextPart = Type.Object({ type: Type.Literal('text'), text: Type.String({ maxLength: MAX_TEXT }) }, { additionalProperties: false });
const ImagePart = Type.Object(
  {
    type: Type.Literal('image_url'),
    image_url: Type.Object(
      { url: Type.String({ minLength: 1 }), detail: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('low'), Type.Literal('high')])) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
const Part = Type.Union([TextPart, ImagePart], { description: 'a text part { type: "text", text } or an image part { type: "image_url", image_url: { url } }' });
const Message = Type.Object(
  {
    role: Type.Union([Type.Literal('system'), Type.Literal('developer'), Type.Literal('user'), Type.Literal('assistant')], {
      description: 'one of system, developer, user, assistant (tools are not supported)',
    }),
    content: Type.Optional(
      Type.Union([Type.String({ maxLength: MAX_TEXT }), Type.Array(Part, { maxItems: 256 }), Type.Null()], {
        description: 'a string, a list of text and image_url parts, or null (assistant messages only)',
      }),
    ),
    name: Type.Optional(Type.String({ maxLength: 256 })),
  },
  // Clients echo assistant messages back with fields of their own (refusal, annotations): ignored.
  { additionalProperties: true },
);

const ChatBody = Type.Object(
  {
    model: Type.String({ minLength: 1, maxLength: 256 }),
    messages: Type.Array(Message, { minItems: 1, maxItems: 1024 }),
    n: Nullable(Type.Integer({ minimum: 1, maximum: 128 }), 'an integer in [1, 128]'),
    temperature: Nullable(Type.Number({ minimum: 0, maximum: 2 }), 'a number in [0, 2]'),
    top_p: Nullable(Type.Number({ minimum: 0, maximum: 1 }), 'a number in [0, 1]'),
    max_tokens: Nullable(Type.Integer({ minimum: 1 }), 'a positive integer'),
    max_completion_tokens: Nullable(Type.Integer({ minimum: 1 }), 'a positive integer'),
    stop: Nullable(Type.Union([Type.String({ minLength: 1, maxLength: 256 }), Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 16 })]), 'a non-empty string or a list of at most 16'),
    seed: Nullable(Type.Integer({ minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER }), 'an integer'),
    stream: Nullable(Type.Boolean(), 'true or false'),
    stream_options: Nullable(Type.Object({ include_usage: Type.Optional(Type.Boolean()) }, { additionalProperties: true }), '{ include_usage }'),
    // The model's own log-probs (temperature 1) of every sampled token, with `top_logprobs` alternatives.
    logprobs: Nullable(Type.Boolean(), 'true or false'),
    top_logprobs: Nullable(Type.Integer({ minimum: 0, maximum: 20 }), 'an integer in [0, 20] (with logprobs: true)'),
    // vLLM's field for trainers: the prompt's and each choice's token ids.
    return_token_ids: Nullable(Type.Boolean(), 'true or false'),
    // OpenAI's fields that would change the answer and that this server does not support: typed like
    // the rest (a wrong type is a 400 naming the field), then refused by name unless they ask for
    // nothing (see `refuseUnsupported`).
    logit_bias: Nullable(Type.Record(Type.String(), Type.Number({ minimum: -100, maximum: 100 })), 'an object of token ids to numbers in [-100, 100] (not supported: only {})'),
    presence_penalty: Nullable(Type.Number({ minimum: -2, maximum: 2 }), 'a number in [-2, 2] (not supported: only 0)'),
    frequency_penalty: Nullable(Type.Number({ minimum: -2, maximum: 2 }), 'a number in [-2, 2] (not supported: only 0)'),
    response_format: Nullable(Type.Object({ type: Type.String() }, { additionalProperties: true }), '{ type: "text" } (other formats are not supported)'),
    tools: Nullable(Type.Array(Type.Unknown()), 'a list (tools are not supported: only [])'),
    functions: Nullable(Type.Array(Type.Unknown()), 'a list (functions are not supported: only [])'),
    tool_choice: Nullable(Type.Union([Type.String(), Type.Object({}, { additionalProperties: true })]), 'a string or an object (tools are not supported)'),
    function_call: Nullable(Type.Union([Type.String(), Type.Object({}, { additionalProperties: true })]), 'a string or an object (functions are not supported)'),
    audio: Nullable(Type.Object({}, { additionalProperties: true }), 'an object (audio is not supported)'),
    modalities: Nullable(Type.Array(Type.String()), 'a list of strings (only ["text"] is supported)'),
    prediction: Nullable(Type.Object({}, { additionalProperties: true }), 'an object (predicted outputs are not supported)'),
    // OpenAI's fields that change nothing here: typed, then ignored.
    user: Nullable(Type.String(), 'a string'),
    metadata: Nullable(Type.Record(Type.String(), Type.String()), 'an object of strings'),
    store: Nullable(Type.Boolean(), 'true or false'),
    parallel_tool_calls: Nullable(Type.Boolean(), 'true or false'),
    service_tier: Nullable(Type.String(), 'a string'),
  },
  // Fields OpenAI does not define are accepted and ignored.
  { additionalProperties: true },
);
type ChatBody = Static<typeof ChatBody>;

const Usage = Type.Object({ prompt_tokens: Type.Integer(), completion_tokens: Type.Integer(), total_tokens: Type.Integer() });
const ErrorBody = Type.Object({
  error: Type.Object({ message: Type.String(), type: Type.String(), param: Type.Union([Type.String(), Type.Null()]), code: Type.Union([Type.String(), Type.Null()]) }),
});
const ModelCard = Type.Object({ id: Type.String(), object: Type.Literal('model'), created: Type.Integer(), owned_by: Type.String(), max_model_len: Type.Integer() });

/** Fields whose effect this server does not implement (their types already checked): refused rather than silently ignored. */
function refuseUnsupported(body: ChatBody): void {
  const set = <K extends keyof ChatBody>(k: K) => body[k] !== undefined && body[k] !== null;
  for (const k of ['tools', 'functions', 'tool_choice', 'function_call', 'audio', 'prediction'] as const) {
    if (set(k) && !(Array.isArray(body[k]) && (body[k] as unknown[]).length === 0)) throw invalid(`${k} is not supported by this server`, k, 'unsupported_parameter');
  }
  if (body.modalities?.some((m) => m !== 'text')) throw invalid('modalities other than "text" are not supported by this server', 'modalities', 'unsupported_parameter');
  if ((body.top_logprobs ?? 0) > 0 && body.logprobs !== true) throw invalid('top_logprobs needs logprobs: true', 'top_logprobs', 'invalid_value');
  for (const k of ['presence_penalty', 'frequency_penalty'] as const) {
    if (set(k) && body[k] !== 0) throw invalid(`${k} is not supported by this server (only 0)`, k, 'unsupported_parameter');
  }
  if (body.logit_bias && Object.keys(body.logit_bias).length > 0) throw invalid('logit_bias is not supported by this server', 'logit_bias', 'unsupported_parameter');
  if (body.response_format && body.response_format.type !== 'text') {
    throw invalid(`response_format ${JSON.stringify(body.response_format.type).slice(0, 80)} is not supported by this server (only "text")`, 'response_format', 'unsupported_parameter');
  }
}

/** A session id of a per-session base URL: what a trainer's proxy uses to tell its rollouts apart. */
const SessionParams = Type.Object({ session: Type.String({ pattern: '^[A-Za-z0-9._~:-]{1,128}$', description: '1 to 128 of A-Z a-z 0-9 . _ ~ : -' }) });

/** One token as OpenAI's logprobs.content lists it: its text, log-prob, UTF-8 bytes and alternatives. */
function tokenLogprob(tokenizer: Tokenizer, token: number, logprob: number, top: readonly TopLogprob[] | undefined) {
  const entry = (id: number, lp: number) => ({ token: tokenizer.tokenText(id), logprob: lp, bytes: id < 256 ? [id] : [...Buffer.from(tokenizer.tokenText(id))] });
  return { ...entry(token, logprob), top_logprobs: (top ?? []).map((t) => entry(t.token, t.logprob)) };
}
type TokenLogprob = ReturnType<typeof tokenLogprob>;

const card = (m: ServedModel) => ({ id: m.id, object: 'model' as const, created: m.created, owned_by: 'lmm-arena', max_model_len: m.model.config.maxSeqLen });

export default async function chatRoutes(app: FastifyInstance): Promise<void> {
  const { models } = app;
  const { chatBodyLimit, maxImagePixels, maxImageSide, maxImageAspect } = app.settings;
  const images = new ImageDecoder({ maxPixels: maxImagePixels, maxSide: maxImageSide, maxAspect: maxImageAspect });
  app.addHook('onClose', () => images.close());
  app.setErrorHandler((err, req, reply) => sendOpenAIError(reply, toOpenAIError(err, req)));

  const lookup = (id: string): ServedModel => {
    const m = models.get(id);
    if (m) return m;
    const known = models.list().map((x) => x.id);
    const hint = known.length ? `loaded: ${known.join(', ')}` : 'none is loaded (start the server with --model NAME=DIR)';
    throw new OpenAIError(404, `The model '${id}' does not exist; ${hint}`, 'model', 'model_not_found');
  };

  // Each route twice: at /v1 and under a session's base URL /v1/sessions/<id> (the same answers,
  // with the id echoed in an x-session-id header), so a proxy in front can attribute calls.
  const bases = [
    { base: '/v1', params: undefined },
    { base: '/v1/sessions/:session', params: SessionParams },
  ];
  const echoSession = (req: { params: unknown }, reply: FastifyReply) => {
    const session = (req.params as { session?: string }).session;
    if (session !== undefined) reply.header('x-session-id', session);
  };

  for (const { base, params } of bases) {
    app.get(
      `${base}/models`,
      { schema: { tags: ['openai'], summary: 'The loaded models (OpenAI format)', ...(params ? { params } : {}), response: { 200: Type.Object({ object: Type.Literal('list'), data: Type.Array(ModelCard) }) } } },
      async (req, reply) => {
        echoSession(req, reply);
        return { object: 'list' as const, data: models.list().map(card) };
      },
    );
    app.get<{ Params: { model: string } }>(
      `${base}/models/:model`,
      {
        schema: {
          tags: ['openai'],
          summary: 'One loaded model',
          params: params ? Type.Composite([params, Type.Object({ model: Type.String({ maxLength: 256 }) })]) : Type.Object({ model: Type.String({ maxLength: 256 }) }),
          response: { 200: ModelCard, 404: ErrorBody },
        },
      },
      async (req, reply) => {
        echoSession(req, reply);
        return card(lookup(req.params.model));
      },
    );
    app.post<{ Body: ChatBody }>(
      `${base}/chat/completions`,
      {
        bodyLimit: chatBodyLimit,
        schema: {
          tags: ['openai'],
          summary: 'OpenAI chat completions on a loaded TinyLMM (text and PNG data-URL images; stream: true for server-sent events)',
          ...(params ? { params } : {}),
          body: ChatBody,
          response: { 400: ErrorBody, 404: ErrorBody, 503: ErrorBody },
        },
      },
      async (req, reply) => {
        echoSession(req, reply);
        return complete(req, reply);
      },
    );
  }

  async function complete(req: FastifyRequest<{ Body: ChatBody }>, reply: FastifyReply) {
    const body = req.body;
    // A client that goes away before its answer is complete stops its rows (see the batcher), and
    // is counted in /metrics as a 499: Fastify's onResponse never sees a response that did not finish.
    const aborted = new AbortController();
    reply.raw.once('close', () => {
      if (reply.raw.writableFinished) return;
      aborted.abort();
      app.metrics.request(req.method, req.routeOptions.url ?? '/v1/chat/completions', 499, reply.elapsedTime / 1000);
    });
    refuseUnsupported(body);
    const served = lookup(body.model);
    const { model } = served;
    const vision = model.config.vision;
    const context = model.config.maxSeqLen;
    // Sizes before work: a prompt whose text alone fills the context is refused before its images
    // are decoded or its text tokenized (each character is at least one token).
    const chars = textLength(body.messages as OpenAIMessage[]);
    if (chars >= context) {
      throw invalid(
        `This model's maximum context length is ${context} tokens; the messages' text is ${chars} characters, each at least one token (at most ${context - 1} characters fit, fewer with the chat template and images)`,
        'messages',
        'context_length_exceeded',
      );
    }
    const messages = await toChatMessages(body.messages as OpenAIMessage[], {
      maxImages: vision ? 1 : 0,
      decodeImage: (url, param) => images.decode(url, param, vision!),
    });
    let encoded: ReturnType<typeof model.encodePrompt>;
    try {
      encoded = model.encodePrompt(messages);
    } catch (e) {
      throw invalid(`messages: ${(e as Error).message}`, 'messages', 'invalid_value');
    }
    const { ids, image } = encoded;
    if (ids.length >= context) {
      throw invalid(`This model's maximum context length is ${context} tokens; the messages take ${ids.length}`, 'messages', 'context_length_exceeded');
    }
    const asked = body.max_completion_tokens ?? body.max_tokens;
    const maxTokens = asked ?? context - ids.length;
    if (ids.length + maxTokens > context) {
      throw invalid(
        `This model's maximum context length is ${context} tokens; the messages take ${ids.length} and max_tokens asks for ${maxTokens} more (at most ${context - ids.length})`,
        body.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens',
        'context_length_exceeded',
      );
    }
    const stop = body.stop == null ? [] : typeof body.stop === 'string' ? [body.stop] : body.stop;
    const n = body.n ?? 1;
    const topP = body.top_p ?? 1;
    // top_p 0 keeps only the most likely token: greedy, which the sampler takes as temperature 0.
    const temperature = topP === 0 ? 0 : (body.temperature ?? 1);
    const seed = String(body.seed ?? randomInt(2 ** 31));
    const request: GenerationRequest = {
      ids,
      pixels: image && vision ? images.pixelsOf(image, vision) : null,
      n,
      temperature,
      topP: topP === 0 ? 1 : topP,
      maxTokens,
      seed,
      stop,
      signal: aborted.signal,
      ...(body.logprobs ? { topLogprobs: body.top_logprobs ?? 0 } : {}),
    };
    const wantLogprobs = body.logprobs === true;
    const wantIds = body.return_token_ids === true;
    const head = { id: `chatcmpl-${randomUUID()}`, created: Math.floor(Date.now() / 1000), model: body.model, system_fingerprint: served.fingerprint };
    const texts = Array.from({ length: n }, () => new ChoiceText(model.tokenizer, stop));
    const usage = () => {
      const completion = texts.reduce((s, t) => s + t.tokenCount, 0);
      return { prompt_tokens: ids.length, completion_tokens: completion, total_tokens: ids.length + completion };
    };

    if (!body.stream) {
      request.onToken = (i, token) => texts[i].push(token);
      const results = await served.batcher.submit(request);
      return {
        ...head,
        object: 'chat.completion' as const,
        ...(wantIds ? { prompt_token_ids: ids } : {}),
        choices: results.map((r, i) => ({
          index: i,
          message: { role: 'assistant' as const, content: texts[i].final(), refusal: null },
          // Every sampled token, the end token included (the text leaves it out): what a trainer scores.
          logprobs: wantLogprobs ? { content: r.tokens.map((t, k) => tokenLogprob(model.tokenizer, t, r.logprobs[k], r.topLogprobs[k])), refusal: null } : null,
          ...(wantIds ? { token_ids: r.tokens } : {}),
          finish_reason: r.finishReason,
        })),
        usage: usage(),
      };
    }
    return stream(reply, served, request, texts, head, body.stream_options?.include_usage === true, usage, { logprobs: wantLogprobs, ids: wantIds ? ids : null });
  }
}

/** Answers a request as server-sent events: a role chunk per choice, content deltas, finish chunks, [DONE]. */
function stream(
  reply: FastifyReply,
  served: ServedModel,
  request: GenerationRequest,
  texts: ChoiceText[],
  head: Record<string, unknown>,
  includeUsage: boolean,
  usage: () => { prompt_tokens: number; completion_tokens: number; total_tokens: number },
  trainer: { logprobs: boolean; ids: number[] | null },
): FastifyReply {
  const out = new PassThrough();
  const send = (data: unknown) => {
    if (!out.destroyed && !out.writableEnded) out.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  };
  // Tokens picked but not yet sent: text is held back while it may still become a stop string, so
  // a chunk carries the log-probs and ids of every token since the previous chunk of its choice.
  const pendingLp: TokenLogprob[][] = texts.map(() => []);
  const pendingIds: number[][] = texts.map(() => []);
  const chunk = (index: number, delta: Record<string, unknown>, finish: Generation['finishReason'] | null) => {
    const choice: Record<string, unknown> = { index, delta, logprobs: null, finish_reason: finish };
    if (trainer.logprobs && pendingLp[index].length) choice.logprobs = { content: pendingLp[index].splice(0), refusal: null };
    if (trainer.ids && pendingIds[index].length) choice.token_ids = pendingIds[index].splice(0);
    return { ...head, object: 'chat.completion.chunk', choices: [choice] };
  };
  request.onToken = (i, token, finish, logprob, top) => {
    const t = texts[i];
    t.push(token);
    if (trainer.logprobs) pendingLp[i].push(tokenLogprob(served.model.tokenizer, token, logprob, top));
    if (trainer.ids) pendingIds[i].push(token);
    const d = t.delta(finish !== null);
    if (d) send(chunk(i, { content: d }, null));
    if (finish) send(chunk(i, {}, finish));
  };
  // Admission (queue full, shutting down) throws here, before any byte is sent: a plain error answer.
  const done = served.batcher.submit(request);
  for (let i = 0; i < texts.length; i++) send({ ...chunk(i, { role: 'assistant', content: '' }, null), ...(trainer.ids ? { prompt_token_ids: trainer.ids } : {}) });
  done.then(
    () => {
      if (includeUsage) send({ ...head, object: 'chat.completion.chunk', choices: [], usage: usage() });
      send('[DONE]');
      out.end();
    },
    (e: unknown) => {
      // Headers are gone; the error travels as an event, as OpenAI-compatible servers do.
      send(toOpenAIError(e as Error, reply.request).body());
      out.end();
    },
  );
  reply.header('content-type', 'text/event-stream; charset=utf-8').header('cache-control', 'no-cache').header('x-accel-buffering', 'no');
  return reply.send(out);
}
