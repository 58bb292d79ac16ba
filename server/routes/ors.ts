/**
 * The Open Reward Standard façade under /ors (and the same at the root, where the SDK's client
 * sends its requests whatever the base URL's path): environments (our env ids and the text-puzzle
 * families as `puzzle-<family>`), splits train/test from the suite's disjoint seeds
 * (envs/core/splits.ts), tasks, sessions by X-Session-ID, a prompt of text and image blocks, and one
 * `act` tool taking raw text, answered as a server-sent event stream (task_id, then chunk... end,
 * whose data joined is `{ ok, output: { blocks, metadata, reward, finished } }`).
 *
 * Shapes follow the ORS Python SDK's server (ors 0.1.0): errors are FastAPI's `{ detail }` with its
 * status codes, a tool's own failures are `{ ok: false, error }` inside the stream. Game sessions
 * are instances of the REST API's pool, so its limit (a 503), idle eviction and replays apply as
 * for REST; a session whose instance was evicted is gone (404), and puzzle sessions are dropped
 * after the same idle timeout.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { envSpec, listEnvs } from '../../envs/core/registry.js';
import { SPLIT_TASKS, splitSeed, type SplitName } from '../../envs/core/splits.js';
import type { StepResult } from '../../envs/core/types.js';
import { makePuzzle, verifyPuzzle, type PuzzleItem } from '../../envs/puzzles/index.js';
import { encodePngFast } from '../../envs/render/png-node.js';
import { REPLAY_LIMITS } from '../../envs/replay/schema.js';
import { carriesToken } from '../auth.js';
import { PUZZLE_ENV_IDS, puzzleFamilyOf, puzzleText } from '../puzzle-envs.js';
import type { Instance } from '../services/instances.js';

const PREFIX = '/ors';
/** The SDK's server splits a result into events of this many characters. */
const CHUNK_CHARS = 4096;
const SPLITS: SplitName[] = ['train', 'test'];

type Block = { text: string; detail: null; type: 'text' } | { data: string; mimeType: string; detail: null; type: 'image' };

interface EnvSession {
  kind: 'env';
  env: string;
  instance: Instance;
}
interface PuzzleSession {
  kind: 'puzzle';
  env: string;
  item: PuzzleItem;
  done: boolean;
  lastUsed: number;
}
type Session = EnvSession | PuzzleSession;

/** An error answered as FastAPI answers an HTTPException. */
class OrsError extends Error {
  constructor(
    readonly statusCode: number,
    readonly detail: unknown,
  ) {
    super(typeof detail === 'string' ? detail : 'validation error');
  }
}

const ACT_TOOL = {
  name: 'act',
  description:
    'Take one turn: `text` is the raw model response (reasoning and an <answer> block), which the environment parses as the REST API does for { text } actions.',
  input_schema: {
    type: 'object',
    properties: { text: { type: 'string', maxLength: REPLAY_LIMITS.textChars, description: 'the raw model response' } },
    required: ['text'],
    additionalProperties: false,
  },
};

function environments(): string[] {
  return [...listEnvs().map((s) => s.id), ...PUZZLE_ENV_IDS];
}

function requireEnv(env: string): void {
  if (puzzleFamilyOf(env) === null && !envSpec(env)) throw new OrsError(404, `unknown environment ${JSON.stringify(env.slice(0, 128))}`);
}

/** A validation failure in FastAPI's 422 shape. */
function invalid(loc: (string | number)[], msg: string, input: unknown): OrsError {
  return new OrsError(422, [{ type: 'value_error', loc: ['body', ...loc], msg, input: input === undefined ? null : input }]);
}

function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) throw invalid([], 'Field required', null);
  if (typeof body !== 'object' || Array.isArray(body)) throw invalid([], 'Input should be a valid dictionary or object', body);
  return body as Record<string, unknown>;
}

function onlyKeys(body: Record<string, unknown>, keys: string[]): void {
  for (const k of Object.keys(body)) if (!keys.includes(k)) throw invalid([k], 'Extra inputs are not permitted', body[k]);
}

function str(body: Record<string, unknown>, key: string, required: boolean): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) {
    if (required) throw invalid([key], 'Field required', null);
    return undefined;
  }
  if (typeof v !== 'string') throw invalid([key], 'Input should be a valid string', v);
  return v;
}

function int(body: Record<string, unknown>, key: string, required: boolean): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) {
    if (required) throw invalid([key], 'Field required', null);
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalid([key], 'Input should be a valid integer', v);
  return v;
}

function requireSplit(split: string): SplitName {
  if (!SPLITS.includes(split as SplitName)) throw new OrsError(400, 'Invalid split');
  return split as SplitName;
}

/** Task `index` of a split: a seed for a game, a seeded item (difficulty 1-5 in turn) for a puzzle. */
function task(env: string, split: SplitName, index: number): Record<string, unknown> {
  if (index < 0 || index >= SPLIT_TASKS) throw new OrsError(400, 'Invalid index');
  const family = puzzleFamilyOf(env);
  if (family !== null) return { family, difficulty: (index % 5) + 1, seed: splitSeed(split, 0), index, split };
  return { seed: splitSeed(split, index), split, index };
}

function sessionId(req: FastifyRequest): string {
  const sid = req.headers['x-session-id'];
  if (typeof sid !== 'string' || sid.length === 0) throw new OrsError(400, 'X-Session-ID header is required');
  if (sid.length > 256) throw new OrsError(400, 'X-Session-ID is longer than 256 characters');
  return sid;
}

function textBlock(text: string): Block {
  return { text, detail: null, type: 'text' };
}

function frameBlock(instance: Instance): Block {
  return { data: encodePngFast(instance.observation.image).toString('base64'), mimeType: 'image/png', detail: null, type: 'image' };
}

/** One server-sent event as sse-starlette writes it. */
function sse(event: string, data: string): string {
  return `event: ${event}\r\n${data.split(/\r\n|\r|\n/).map((line) => `data: ${line}`).join('\r\n')}\r\n\r\n`;
}

/** The tool call's answer: `task_id`, then the result in chunks, the last as `end`. */
function sendStream(reply: FastifyReply, result: unknown): FastifyReply {
  const json = JSON.stringify(result);
  let out = sse('task_id', randomUUID().replace(/-/g, ''));
  for (let i = 0; i < json.length; i += CHUNK_CHARS) out += sse(i + CHUNK_CHARS >= json.length ? 'end' : 'chunk', json.slice(i, i + CHUNK_CHARS));
  return reply
    .type('text/event-stream; charset=utf-8')
    .header('cache-control', 'no-cache')
    .header('x-accel-buffering', 'no')
    .send(out);
}

export default async function orsRoutes(app: FastifyInstance): Promise<void> {
  const pool = app.instances;
  const sessions = new Map<string, Session>();
  const idleMs = app.settings.idleTimeoutMs;

  // Puzzle sessions have no instance in the pool: they are dropped after the same idle time, and game
  // sessions whose instance the pool evicted are forgotten.
  const reaper = setInterval(() => {
    const now = Date.now();
    for (const [sid, s] of sessions) {
      // Never through pool.get, which would count as use and keep the instance alive.
      const last = s.kind === 'puzzle' ? s.lastUsed : s.instance.lastUsed;
      if (now - last > (s.kind === 'puzzle' ? idleMs : s.instance.idleMs)) sessions.delete(sid);
    }
  }, 5_000);
  reaper.unref();
  app.addHook('onClose', async () => {
    clearInterval(reaper);
    sessions.clear();
  });

  function poolHas(id: string): boolean {
    try {
      pool.get(id);
      return true;
    } catch {
      return false;
    }
  }

  // The same routes and sessions twice: under /ors, and at the server's root, because the SDK's
  // client (aiohttp, paths with a leading slash) drops any path of the base URL it is given.
  const routes = async (ors: FastifyInstance) => {
      // Listed once in /docs, under /ors; the root's copies are hidden.
      ors.addHook('onRoute', (route) => {
        route.schema = { ...route.schema, tags: ['ors'], ...(ors.prefix === '' ? { hide: true } : {}) };
      });
      // The SDK posts bodiless requests (/ping, /delete) and `{}` alike: an empty JSON body is no body.
      ors.addHook('onRequest', (req, _reply, done) => {
        if (req.headers['content-length'] === '0') delete req.headers['content-type'];
        done();
      });
      // With --token, ORS is as private as /v1: the SDK sends its API key as X-API-Key.
      const token = app.settings.token;
      if (token) {
        const authorized = carriesToken(token, { apiKeyHeader: true });
        ors.addHook('onRequest', async (req, reply) => {
          if (authorized(req.headers)) return;
          return reply.code(401).send({ detail: 'missing or invalid API key: send X-API-Key: <token> (or Authorization: Bearer <token>)' });
        });
      }
      ors.setErrorHandler((err: FastifyError | OrsError, req, reply) => {
        if (err instanceof OrsError) return reply.code(err.statusCode).send({ detail: err.detail });
        const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
        if (status >= 500 && status !== 503) req.log.error(err);
        const headers = (err as { headers?: Record<string, string> }).headers;
        if (headers) for (const [k, v] of Object.entries(headers)) reply.header(k, v);
        // Fastify's and the REST API's own refusals (bad JSON, body limit, instance limit) keep their status.
        const detail = status === 500 ? 'Internal Server Error' : err.message;
        return reply.code(status === 400 && /JSON/.test(err.message) ? 422 : status).send({ detail: status === 400 && /JSON/.test(err.message) ? [{ type: 'json_invalid', loc: ['body'], msg: `JSON decode error: ${err.message}`, input: null }] : detail });
      });

      function session(req: FastifyRequest): { sid: string; s: Session } {
        const sid = sessionId(req);
        const s = sessions.get(sid);
        if (!s) throw new OrsError(404, 'Active environment not found');
        if (s.kind === 'env') {
          if (!poolHas(s.instance.id)) {
            sessions.delete(sid);
            throw new OrsError(404, 'Active environment not found');
          }
        } else s.lastUsed = Date.now();
        return { sid, s };
      }

      ors.get('/health', async () => ({ status: 'ok' }));

      ors.get('/list_environments', async () => environments());

      ors.get<{ Params: { env: string } }>('/:env/tools', async (req) => {
        requireEnv(req.params.env);
        return { tools: [ACT_TOOL] };
      });

      ors.get<{ Params: { env: string } }>('/:env/splits', async (req) => {
        requireEnv(req.params.env);
        return SPLITS.map((name) => ({ name, type: name }));
      });

      ors.post<{ Params: { env: string } }>('/:env/tasks', async (req) => {
        requireEnv(req.params.env);
        const body = bodyObject(req.body);
        onlyKeys(body, ['split']);
        const split = requireSplit(str(body, 'split', true)!);
        return { tasks: Array.from({ length: SPLIT_TASKS }, (_, i) => task(req.params.env, split, i)), env_name: req.params.env };
      });

      ors.post<{ Params: { env: string } }>('/:env/num_tasks', async (req) => {
        requireEnv(req.params.env);
        const body = bodyObject(req.body);
        onlyKeys(body, ['split']);
        requireSplit(str(body, 'split', true)!);
        return { num_tasks: SPLIT_TASKS };
      });

      ors.post<{ Params: { env: string } }>('/:env/task', async (req) => {
        requireEnv(req.params.env);
        const body = bodyObject(req.body);
        onlyKeys(body, ['split', 'index']);
        const split = requireSplit(str(body, 'split', true)!);
        return { task: task(req.params.env, split, int(body, 'index', true)!) };
      });

      ors.post<{ Params: { env: string } }>('/:env/task_range', async (req) => {
        requireEnv(req.params.env);
        const body = bodyObject(req.body);
        onlyKeys(body, ['split', 'start', 'stop']);
        const split = requireSplit(str(body, 'split', true)!);
        // Python's range(start, stop) over the listing, negative indices from the end.
        const at = (v: number | undefined, dflt: number) => (v === undefined ? dflt : v < 0 ? Math.max(0, SPLIT_TASKS + v) : Math.min(v, SPLIT_TASKS));
        const start = at(int(body, 'start', false), 0);
        const stop = at(int(body, 'stop', false), SPLIT_TASKS);
        return { tasks: Array.from({ length: Math.max(0, stop - start) }, (_, i) => task(req.params.env, split, start + i)) };
      });

      ors.post('/create_session', async (_req, reply) => {
        const sid = randomUUID();
        return reply
          .type('text/event-stream; charset=utf-8')
          .header('cache-control', 'no-cache')
          .header('x-accel-buffering', 'no')
          .send(sse('task_id', sid) + sse('end', ''));
      });

      ors.post('/delete_session', async (req) => ({ sid: sessionId(req) }));

      ors.post('/create', async (req) => {
        const sid = sessionId(req);
        const body = bodyObject(req.body);
        onlyKeys(body, ['env_name', 'task_spec', 'split', 'index', 'secrets']);
        if (sessions.has(sid)) throw new OrsError(400, 'Session already exists');
        const env = str(body, 'env_name', false) ?? environments()[0];
        const spec = body.task_spec;
        const splitName = str(body, 'split', false);
        const index = int(body, 'index', false);
        if ((splitName === undefined) !== (index === undefined)) throw invalid([], 'Value error, split and index must both be provided together', body);
        if ((spec !== undefined && spec !== null) === (splitName !== undefined)) {
          throw invalid([], 'Value error, Provide either task_spec or both split and index, not both/neither', body);
        }
        if (spec !== undefined && spec !== null && (typeof spec !== 'object' || Array.isArray(spec))) throw invalid(['task_spec'], 'Input should be a valid dictionary', spec);
        requireEnv(env);
        let t: Record<string, unknown>;
        if (splitName !== undefined) t = task(env, requireSplit(splitName), index!);
        else t = spec as Record<string, unknown>;
        const family = puzzleFamilyOf(env);
        if (family !== null) {
          const difficulty = t.difficulty ?? 1;
          const seed = t.seed ?? 0;
          const i = t.index ?? 0;
          for (const [k, v] of [['difficulty', difficulty], ['seed', seed], ['index', i]] as const) {
            if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw invalid(['task_spec', k], 'Input should be a non-negative integer', v);
          }
          if ((difficulty as number) < 1 || (difficulty as number) > 5) throw invalid(['task_spec', 'difficulty'], 'Input should be 1 to 5', difficulty);
          const item = makePuzzle(family, difficulty as number, seed as number, i as number);
          sessions.set(sid, { kind: 'puzzle', env, item, done: false, lastUsed: Date.now() });
        } else {
          const seed = t.seed;
          if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) {
            throw invalid(['task_spec', 'seed'], 'Input should be an integer from 0 to 2^32 - 1', seed);
          }
          const { instance } = pool.create(env, {}, { name: 'ors', model: null }, seed, 'body');
          app.metrics.resetsTotal++;
          sessions.set(sid, { kind: 'env', env, instance });
        }
        return { sid };
      });

      ors.post('/ping', async (req) => {
        session(req);
        return { status: 'ok' };
      });

      ors.post('/delete', async (req) => {
        const sid = sessionId(req);
        const s = sessions.get(sid);
        if (s) {
          sessions.delete(sid);
          if (s.kind === 'env') pool.delete(s.instance.id);
        }
        return { sid };
      });

      ors.get<{ Params: { env: string } }>('/:env/task_tools', async (req) => {
        session(req);
        return { tools: [ACT_TOOL] };
      });

      ors.get<{ Params: { env: string } }>('/:env/prompt', async (req) => {
        const { s } = session(req);
        if (s.kind === 'puzzle') return [textBlock(puzzleText(s.item))];
        return [textBlock(s.instance.observation.text), frameBlock(s.instance)];
      });

      ors.post<{ Params: { env: string } }>('/:env/call', async (req, reply) => {
        const body = bodyObject(req.body);
        onlyKeys(body, ['name', 'input', 'task_id']);
        const name = str(body, 'name', true)!;
        const input = body.input;
        if (input === undefined || input === null) throw invalid(['input'], 'Field required', null);
        if (typeof input !== 'object' || Array.isArray(input)) throw invalid(['input'], 'Input should be a valid dictionary', input);
        str(body, 'task_id', false);
        const { s } = session(req);
        if (name !== 'act') return sendStream(reply, { ok: false, error: `${JSON.stringify(name.slice(0, 128))} is not a valid tool` });
        const args = input as Record<string, unknown>;
        const text = args.text;
        const extra = Object.keys(args).filter((k) => k !== 'text');
        if (typeof text !== 'string' || extra.length > 0 || text.length > REPLAY_LIMITS.textChars) {
          const why =
            typeof text !== 'string'
              ? 'text: Input should be a valid string'
              : extra.length > 0
                ? `${extra[0]}: Extra inputs are not permitted`
                : `text: String should have at most ${REPLAY_LIMITS.textChars} characters`;
          return sendStream(reply, { ok: false, error: `Tool input validation error: ${why}` });
        }
        if (s.kind === 'puzzle') {
          if (s.done) return sendStream(reply, { ok: false, error: 'the episode has ended; create a new session' });
          s.done = true;
          const solved = verifyPuzzle(s.item, text);
          return sendStream(reply, {
            ok: true,
            output: { blocks: [textBlock(solved ? 'Correct.' : 'Incorrect.')], metadata: { solved }, reward: solved ? 1 : 0, finished: true },
          });
        }
        if (s.instance.env.episodeDone) return sendStream(reply, { ok: false, error: 'the episode has ended; create a new session' });
        let result: StepResult;
        let saved: Promise<void> | null;
        try {
          ({ result, saved } = pool.step(s.instance, { text }));
        } catch (e) {
          if (e instanceof Error && (e as { statusCode?: number }).statusCode === 409) return sendStream(reply, { ok: false, error: e.message });
          throw e;
        }
        app.metrics.stepsTotal++;
        const finished = result.terminated || result.truncated;
        const output = {
          ok: true,
          output: {
            blocks: [textBlock(result.observation.text), frameBlock(s.instance)],
            metadata: { terminated: result.terminated, truncated: result.truncated, info: result.info },
            reward: result.reward,
            finished,
          },
        };
        if (saved) await saved;
        return sendStream(reply, output);
      });
  };
  await app.register(routes, { prefix: PREFIX });
  await app.register(routes);
}
