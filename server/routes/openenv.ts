/**
 * The OpenEnv façade: every registered env at its own base URL, `/openenv/<env_id>`, speaking
 * OpenEnv's HTTP routes (`/health`, `/schema`, `/metadata`, `/reset`, `/step`) and its stateful
 * WebSocket session (`/ws`: `reset` / `step` / `state` / `close` messages, `observation` / `state` /
 * `error` answers with OpenEnv's error codes), message for message as OpenEnv's server and client
 * (huggingface/OpenEnv `http_server.py`, `env_client.py`, `types.py`, `serialization.py`).
 *
 * Episodes run on the REST API's instances: the same limit (answered `CAPACITY_REACHED`), the same
 * idle timeout, and the same replays. An action is one field, `text`: a raw model answer, parsed by
 * the env's protocol. OpenEnv sends `{observation, reward, done}` and never the observation's
 * metadata, so what a trainer needs rides in the observation itself: the text, the frame (base64
 * PNG with its media type), `truncated`, `terminated`, `action_is_valid` and the env's info. A time
 * limit ends an episode with `done: true` and `truncated: true`.
 *
 * OpenEnv's own `/reset` and `/step` make a fresh env per request, so they cannot play an episode.
 * Here `/reset` makes an instance and names it in `observation.episode_id`, and `/step` takes that
 * `episode_id` beside the action; the instance is closed when its episode ends (or when it idles).
 */
import websocket from '@fastify/websocket';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { envSpec } from '../../envs/core/registry.js';
import type { Info, JsonObject, Observation } from '../../envs/core/types.js';
import { makePuzzle, verifyPuzzle, type PuzzleItem } from '../../envs/puzzles/index.js';
import { encodePngFast } from '../../envs/render/png-node.js';
import { REPLAY_LIMITS } from '../../envs/replay/schema.js';
import { carriesToken } from '../auth.js';
import { ApiError } from '../errors.js';
import { puzzleFamilyOf, puzzleText } from '../puzzle-envs.js';
import type { Instance } from '../services/instances.js';

/** OpenEnv's `WSErrorCode` (core/env_server/types.py). */
export type OpenEnvErrorCode = 'INVALID_JSON' | 'UNKNOWN_TYPE' | 'VALIDATION_ERROR' | 'EXECUTION_ERROR' | 'CAPACITY_REACHED' | 'FACTORY_ERROR' | 'SESSION_ERROR';

/** One pydantic-style validation error, as OpenEnv's 422s and `VALIDATION_ERROR`s list them. */
interface FieldError {
  type: string;
  loc: (string | number)[];
  msg: string;
}

class OpenEnvError extends Error {
  constructor(
    readonly code: OpenEnvErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const AGENT = { name: 'openenv', model: null };
const MAX_EPISODE_ID = 255;
/** Messages a socket may have waiting for their answers. */
const MAX_PENDING = 64;

const FrameSchema = {
  type: 'object',
  description: 'the frame the player sees: a PNG, base64',
  properties: {
    media_type: { type: 'string', const: 'image/png' },
    data: { type: 'string', description: 'base64 of the PNG' },
    width: { type: 'integer', minimum: 1 },
    height: { type: 'integer', minimum: 1 },
  },
  required: ['media_type', 'data', 'width', 'height'],
  additionalProperties: false,
};

/** JSON Schemas of the action, the observation (the `observation` of each answer) and the state. */
function schemas(envId: string) {
  const puzzle = puzzleFamilyOf(envId) !== null;
  return {
    action: {
      title: 'TextAction',
      type: 'object',
      description: `A raw model answer for ${envId}, read by the env's answer protocol`,
      properties: { text: { type: 'string', maxLength: REPLAY_LIMITS.textChars } },
      required: ['text'],
      additionalProperties: false,
    },
    observation: {
      title: 'FrameObservation',
      type: 'object',
      properties: {
        text: { type: 'string', description: 'what a text-only player reads' },
        frame: puzzle ? { type: 'null', description: 'text puzzles have no frame' } : FrameSchema,
        terminated: { type: 'boolean', description: 'the episode ended by the game (solved, failed)' },
        truncated: { type: 'boolean', description: 'the episode ended by its time limit' },
        action_is_valid: { type: 'boolean', description: 'whether the last answer parsed into moves (true after a reset)' },
        info: { type: 'object', description: "the env's info of the last reset or step" },
        episode_id: { type: 'string', description: 'the episode (instance) id; /step takes it' },
        step_count: { type: 'integer', minimum: 0 },
      },
      required: ['text', 'frame', 'terminated', 'truncated', 'action_is_valid', 'info', 'episode_id', 'step_count'],
      additionalProperties: false,
    },
    state: {
      title: 'EpisodeState',
      type: 'object',
      properties: {
        episode_id: { type: ['string', 'null'] },
        step_count: { type: 'integer', minimum: 0 },
        env_id: { type: 'string' },
        seed: { type: ['integer', 'null'] },
        done: { type: 'boolean' },
      },
      required: ['episode_id', 'step_count', 'env_id', 'seed', 'done'],
      additionalProperties: true,
    },
  };
}

interface Turn {
  reward: number | null;
  terminated: boolean;
  truncated: boolean;
  info: Info;
}

/** OpenEnv's `serialize_observation`: `{observation, reward, done}`, our extras inside the observation. */
function answer(obs: Observation, turn: Turn, episodeId: string, stepCount: number) {
  const frame = obs.image;
  const valid = turn.info.action_is_valid;
  return {
    observation: {
      text: obs.text,
      frame: { media_type: 'image/png', data: encodePngFast(frame).toString('base64'), width: frame.width, height: frame.height },
      terminated: turn.terminated,
      truncated: turn.truncated,
      action_is_valid: typeof valid === 'boolean' ? valid : true,
      info: turn.info,
      episode_id: episodeId,
      step_count: stepCount,
    },
    reward: turn.reward,
    done: turn.terminated || turn.truncated,
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Text-puzzle families are envs too, as `puzzle-<family>`: one question, one answer, reward 1 when
 * the family's verifier accepts it. They have no frame and no instance: the episode id names the
 * item (`puzzle:<family>:<difficulty>:<seed>:<index>`), so the item is made again from it.
 */
interface PuzzleEpisode {
  item: PuzzleItem;
  id: string;
  done: boolean;
}

/** A puzzle's reset: `difficulty` (1-5, default 1), `seed` and `index` (default 0). */
function puzzleReset(family: string, data: unknown, root: string): PuzzleEpisode {
  const { seed, episodeId, options } = readReset(data, root);
  const { difficulty = 1, index = 0, ...rest } = options;
  const errors: FieldError[] = Object.keys(rest).map((k) => ({ type: 'extra_forbidden', loc: [root, k.slice(0, 64)], msg: 'Extra inputs are not permitted (a puzzle takes seed, difficulty, index)' }));
  if (!(typeof difficulty === 'number' && Number.isInteger(difficulty) && difficulty >= 1 && difficulty <= 5)) {
    errors.push({ type: 'int_type', loc: [root, 'difficulty'], msg: 'Input should be an integer from 1 to 5' });
  }
  if (!(typeof index === 'number' && Number.isSafeInteger(index) && index >= 0)) {
    errors.push({ type: 'int_type', loc: [root, 'index'], msg: 'Input should be an integer greater than or equal to 0' });
  }
  if (errors.length > 0) throw validation(errors);
  const s = seed ?? Math.floor(Math.random() * 2 ** 32);
  const item = makePuzzle(family, difficulty as number, s, index as number);
  return { item, id: episodeId ?? `puzzle:${family}:${difficulty}:${s}:${index}`, done: false };
}

/** The item an HTTP episode id names, or null. */
function puzzleFromId(family: string, id: string): PuzzleItem | null {
  const m = /^puzzle:([a-z0-9_-]+):([1-5]):([0-9]{1,16}):([0-9]{1,16})$/.exec(id);
  if (!m || m[1] !== family || !Number.isSafeInteger(Number(m[3])) || !Number.isSafeInteger(Number(m[4]))) return null;
  return makePuzzle(family, Number(m[2]), Number(m[3]), Number(m[4]));
}

function puzzleAnswer(item: PuzzleItem, id: string, solved: boolean | null) {
  const done = solved !== null;
  return {
    observation: {
      text: done ? (solved ? 'Correct.' : 'Incorrect.') : puzzleText(item),
      frame: null,
      terminated: done,
      truncated: false,
      action_is_valid: true,
      info: done ? { solved, family: item.family, difficulty: item.difficulty } : { family: item.family, difficulty: item.difficulty },
      episode_id: id,
      step_count: done ? 1 : 0,
    },
    reward: done ? (solved ? 1 : 0) : null,
    done,
  };
}

/** The reset fields: `seed`, `episode_id`, and the env's options (every other field). */
function readReset(data: unknown, root: string): { seed?: number; episodeId?: string; options: JsonObject } {
  if (data === undefined || data === null) return { options: {} };
  if (!isObject(data)) throw validation([{ type: 'dict_type', loc: [root], msg: 'Input should be a valid dictionary' }]);
  const { seed, episode_id, ...options } = data;
  const errors: FieldError[] = [];
  if (seed !== undefined && seed !== null && !(Number.isSafeInteger(seed) && (seed as number) >= 0)) {
    errors.push({ type: 'int_type', loc: [root, 'seed'], msg: 'Input should be an integer greater than or equal to 0' });
  }
  if (episode_id !== undefined && episode_id !== null && !(typeof episode_id === 'string' && episode_id.length >= 1 && episode_id.length <= MAX_EPISODE_ID)) {
    errors.push({ type: 'string_type', loc: [root, 'episode_id'], msg: `Input should be a string of 1 to ${MAX_EPISODE_ID} characters` });
  }
  if (errors.length > 0) throw validation(errors);
  return {
    seed: typeof seed === 'number' ? seed : undefined,
    episodeId: typeof episode_id === 'string' ? episode_id : undefined,
    options: options as JsonObject,
  };
}

/** The one-field text action. */
function readAction(data: unknown, loc: string[]): { text: string } {
  if (!isObject(data)) throw validation([{ type: 'dict_type', loc, msg: 'Input should be a valid dictionary' }]);
  const errors: FieldError[] = [];
  for (const key of Object.keys(data)) {
    if (key !== 'text') errors.push({ type: 'extra_forbidden', loc: [...loc, key.slice(0, 64)], msg: 'Extra inputs are not permitted; the action is {"text": "<the model\'s answer>"}' });
  }
  const { text } = data;
  if (text === undefined) errors.push({ type: 'missing', loc: [...loc, 'text'], msg: 'Field required' });
  else if (typeof text !== 'string') errors.push({ type: 'string_type', loc: [...loc, 'text'], msg: 'Input should be a valid string' });
  else if (text.length > REPLAY_LIMITS.textChars) {
    errors.push({ type: 'string_too_long', loc: [...loc, 'text'], msg: `String should have at most ${REPLAY_LIMITS.textChars} characters` });
  }
  if (errors.length > 0) throw validation(errors);
  return { text: text as string };
}

function validation(errors: FieldError[]): OpenEnvError {
  return new OpenEnvError('VALIDATION_ERROR', 'Invalid message', { errors });
}

/** The pool's errors in OpenEnv's terms. */
function fromPool(e: unknown, max: number, active: number): never {
  if (e instanceof ApiError) {
    if (e.statusCode === 503) throw new OpenEnvError('CAPACITY_REACHED', e.message, { active_sessions: active, max_sessions: max });
    if (e.statusCode === 400) throw validation([{ type: 'value_error', loc: ['data'], msg: e.message.replace(/^body\./, '') }]);
    throw new OpenEnvError('EXECUTION_ERROR', e.message);
  }
  throw e;
}

export default async function openenvRoutes(app: FastifyInstance): Promise<void> {
  const pool = app.instances;
  const limit = app.settings.bodyLimit;
  // A message past this size closes the socket (1009, as OpenEnv's client refuses one past its own
  // max size); anything below it that breaks a rule gets a typed error and the session goes on.
  await app.register(websocket, { options: { maxPayload: limit } });

  // With --token, OpenEnv is as private as /v1: `Authorization: Bearer <token>`, or Basic auth
  // with the token as password, which OpenEnv's client (the websockets library) sends for a URL
  // with user info, `ws://openenv:<token>@host/...`.
  const token = app.settings.token;
  if (token) {
    const authorized = carriesToken(token);
    app.addHook('onRequest', async (req, reply) => {
      if (authorized(req.headers)) return;
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ detail: 'missing or invalid token: send Authorization: Bearer <token> (or Basic auth with the token as password)' });
    });
  }

  const spec = (envId: string) => {
    const family = puzzleFamilyOf(envId);
    if (family !== null) return { id: envId, description: `Text puzzle "${family}": one question, one answer (reward 1 when it is right)` };
    const found = envSpec(envId);
    if (!found) throw new ApiError(404, 'not_found', `no env "${envId.slice(0, 128)}"; GET /v1/envs lists them`);
    return found;
  };

  function create(envId: string, reset: ReturnType<typeof readReset>, extras: { id?: string }) {
    try {
      const made = pool.create(envId, reset.options, AGENT, reset.seed, 'data', extras);
      app.metrics.resetsTotal++;
      return made;
    } catch (e) {
      return fromPool(e, pool.max, pool.size);
    }
  }

  function step(instance: Instance, action: { text: string }) {
    try {
      const stepped = pool.step(instance, action);
      app.metrics.stepsTotal++;
      return stepped;
    } catch (e) {
      return fromPool(e, pool.max, pool.size);
    }
  }

  // OpenEnv's HTTP errors are FastAPI's: `{detail}` (a list of field errors for a 422).
  const sendError = (reply: FastifyReply, e: unknown) => {
    if (e instanceof OpenEnvError) {
      const status = e.code === 'VALIDATION_ERROR' ? 422 : e.code === 'CAPACITY_REACHED' ? 503 : 409;
      return reply.code(status).send({ detail: e.code === 'VALIDATION_ERROR' ? e.extra.errors : e.message, code: e.code, ...(e.code === 'VALIDATION_ERROR' ? {} : e.extra) });
    }
    if (e instanceof ApiError) {
      if (e.statusCode === 400) return reply.code(422).send({ detail: [{ type: 'value_error', loc: ['body'], msg: e.message }] });
      return reply.code(e.statusCode).headers(e.headers).send({ detail: e.message });
    }
    const fe = e as FastifyError;
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      const status = fe.statusCode === 400 ? 422 : fe.statusCode;
      return reply.code(status).send({ detail: status === 422 ? [{ type: 'json_invalid', loc: ['body'], msg: fe.message }] : fe.message });
    }
    app.log.error(e);
    return reply.code(500).send({ detail: 'Internal Server Error' });
  };
  app.setErrorHandler((e, _req, reply) => sendError(reply, e));

  type P = { Params: { envId: string } };

  app.get<P>('/openenv/:envId/health', { schema: { hide: true } }, async (req) => {
    spec(req.params.envId);
    return { status: 'healthy' };
  });

  app.get<P>('/openenv/:envId/metadata', { schema: { hide: true } }, async (req) => {
    const found = spec(req.params.envId);
    return {
      name: found.id,
      description: found.description,
      readme_content: null,
      version: '1.0.0',
      author: null,
      documentation_url: null,
    };
  });

  app.get<P>('/openenv/:envId/schema', { schema: { hide: true } }, async (req) => schemas(spec(req.params.envId).id));

  app.post<P & { Body: unknown }>('/openenv/:envId/reset', { schema: { hide: true } }, async (req) => {
    const envId = spec(req.params.envId).id;
    const family = puzzleFamilyOf(envId);
    if (family !== null) {
      if (isObject(req.body) && req.body.episode_id != null) {
        // Over stateless HTTP the episode id names the item, so the server chooses it.
        throw validation([{ type: 'value_error', loc: ['body', 'episode_id'], msg: 'a puzzle episode over HTTP is named by the server; leave episode_id out' }]);
      }
      const episode = puzzleReset(family, req.body, 'body');
      return puzzleAnswer(episode.item, episode.id, null);
    }
    const reset = readReset(req.body, 'body');
    const { instance, reset: r } = create(envId, reset, { id: reset.episodeId });
    return answer(r.observation, { reward: null, terminated: false, truncated: false, info: r.info }, instance.id, 0);
  });

  app.post<P & { Body: unknown }>('/openenv/:envId/step', { schema: { hide: true } }, async (req) => {
    spec(req.params.envId);
    const body = req.body;
    if (!isObject(body)) throw validation([{ type: 'dict_type', loc: ['body'], msg: 'Input should be a valid dictionary' }]);
    const action = readAction(body.action, ['body', 'action']);
    const id = body.episode_id;
    if (typeof id !== 'string') {
      throw validation([{ type: 'missing', loc: ['body', 'episode_id'], msg: 'Field required: the episode_id that /reset answered (observation.episode_id)' }]);
    }
    const family = puzzleFamilyOf(req.params.envId);
    if (family !== null) {
      const item = puzzleFromId(family, id);
      if (!item) throw new ApiError(404, 'not_found', `no ${req.params.envId} episode "${id.slice(0, 64)}"`);
      return puzzleAnswer(item, id, verifyPuzzle(item, action.text));
    }
    const instance = pool.get(id);
    if (instance.env.id !== req.params.envId) throw new ApiError(404, 'not_found', `episode "${id.slice(0, 64)}" is not a ${req.params.envId} episode`);
    const { result, saved } = step(instance, action);
    const out = answer(result.observation, result, instance.id, instance.env.turns);
    if (saved) await saved;
    // A stateless episode is over when the client is told so: its instance goes with it.
    if (out.done) pool.delete(instance.id);
    return out;
  });

  app.get<P>('/openenv/:envId/ws', { websocket: true, schema: { hide: true } }, (socket, req) => {
    const envId = req.params.envId;
    session(socket, envId);
  });

  function session(socket: WebSocket, envId: string): void {
    let instance: Instance | null = null;
    let episodeId: string | null = null;
    const family = puzzleFamilyOf(envId);
    let puzzle: PuzzleEpisode | null = null;
    let closed = false;
    const send = (type: string, data: unknown) => {
      if (!closed && socket.readyState === socket.OPEN) socket.send(JSON.stringify({ type, data }));
    };
    const fail = (code: OpenEnvErrorCode, message: string, extra: Record<string, unknown> = {}) => send('error', { message, code, ...extra });
    const free = () => {
      if (instance) pool.delete(instance.id);
      instance = null;
    };
    const end = () => {
      closed = true;
      clearTimeout(idle);
      free();
    };
    socket.on('close', end);
    socket.on('error', (err) => {
      app.log.debug({ err }, 'openenv socket error');
      end();
    });

    // An idle socket is closed and its instance freed, as the REST API's idle timeout does.
    const idleMs = app.settings.idleTimeoutMs;
    let idle = setTimeout(onIdle, idleMs);
    function onIdle() {
      fail('SESSION_ERROR', `session idle for ${Math.round(idleMs / 1000)} s; closed (connect again and reset)`);
      end();
      socket.close(1000);
    }

    if (family === null && !envSpec(envId)) {
      fail('FACTORY_ERROR', `no env "${envId.slice(0, 128)}"; GET /v1/envs lists them`, { factory_name: envId.slice(0, 128) });
      end();
      socket.close(1000);
      return;
    }

    // Messages are answered in order, each after the last (an episode's end waits for its replay).
    // A client that sends without reading the answers is closed (1008) before its backlog grows.
    let queue: Promise<void> = Promise.resolve();
    let pending = 0;
    socket.on('message', (raw: RawData, isBinary: boolean) => {
      if (closed) return;
      clearTimeout(idle);
      idle = setTimeout(onIdle, idleMs);
      if (++pending > MAX_PENDING) {
        fail('SESSION_ERROR', `more than ${MAX_PENDING} messages waiting for their answers; send one message, read its answer, then the next`);
        end();
        socket.close(1008);
        return;
      }
      queue = queue.then(() => handle(raw, isBinary)).finally(() => pending--).catch((err: unknown) => {
        app.log.error(err);
        fail('SESSION_ERROR', 'internal error; the session is closed');
        end();
        socket.close(1011);
      });
    });

    async function handle(raw: RawData, isBinary: boolean): Promise<void> {
      if (closed) return;
      if (isBinary) return fail('INVALID_JSON', 'Invalid JSON: binary frames are not read; send each message as a JSON text frame');
      let message: unknown;
      try {
        message = JSON.parse(raw.toString());
      } catch (e) {
        return fail('INVALID_JSON', `Invalid JSON: ${(e as Error).message}`);
      }
      const type = isObject(message) ? message.type : undefined;
      try {
        switch (type) {
          case 'reset':
            return onReset(message as Record<string, unknown>);
          case 'step':
            return await onStep(message as Record<string, unknown>);
          case 'state':
            checkFields(message as Record<string, unknown>, []);
            return send('state', state());
          case 'close':
            checkFields(message as Record<string, unknown>, []);
            end();
            socket.close(1000);
            return;
          default:
            return fail('UNKNOWN_TYPE', `Unknown message type: ${typeof type === 'string' ? type.slice(0, 64) : String(type ?? '')}`);
        }
      } catch (e) {
        if (e instanceof OpenEnvError) {
          fail(e.code, e.message, e.extra);
          if (e.code === 'CAPACITY_REACHED') {
            // As OpenEnv: a session that cannot have an env is told so, then closed.
            end();
            socket.close(1000);
          }
          return;
        }
        throw e;
      }
    }

    /** OpenEnv's messages forbid unknown fields. */
    function checkFields(message: Record<string, unknown>, allowed: string[]) {
      const extra = Object.keys(message).filter((k) => k !== 'type' && !allowed.includes(k));
      if (extra.length > 0) throw validation(extra.map((k) => ({ type: 'extra_forbidden', loc: [k.slice(0, 64)], msg: 'Extra inputs are not permitted' })));
    }

    function state() {
      if (family !== null) {
        return { episode_id: puzzle?.id ?? null, step_count: puzzle?.done ? 1 : 0, env_id: envId, seed: null, done: puzzle?.done ?? false };
      }
      return {
        episode_id: episodeId,
        step_count: instance ? instance.env.turns : 0,
        env_id: envId,
        seed: instance ? instance.env.currentSeed : null,
        done: instance ? instance.env.episodeDone : false,
      };
    }

    function onReset(message: Record<string, unknown>) {
      checkFields(message, ['data']);
      if (family !== null) {
        puzzle = puzzleReset(family, message.data, 'data');
        send('observation', puzzleAnswer(puzzle.item, puzzle.id, null));
        return;
      }
      const reset = readReset(message.data, 'data');
      if (instance && !instance.env.episodeDone && instance.env.turns > 0) {
        throw new OpenEnvError(
          'EXECUTION_ERROR',
          `an episode is in progress (${instance.env.turns} steps); step it until done, or send close and connect again to abandon it`,
        );
      }
      // Options are fixed per instance, as on REST: each reset makes the episode's own instance.
      free();
      const made = create(envId, reset, {});
      instance = made.instance;
      episodeId = reset.episodeId ?? made.instance.id;
      send('observation', answer(made.reset.observation, { reward: null, terminated: false, truncated: false, info: made.reset.info }, episodeId, 0));
    }

    async function onStep(message: Record<string, unknown>) {
      checkFields(message, ['data']);
      if (message.data === undefined) throw validation([{ type: 'missing', loc: ['data'], msg: 'Field required' }]);
      const action = readAction(message.data, ['data']);
      if (family !== null) {
        if (!puzzle) throw new OpenEnvError('EXECUTION_ERROR', 'no episode: send reset first');
        if (puzzle.done) throw new OpenEnvError('EXECUTION_ERROR', 'the episode has ended; send reset for a new one');
        puzzle.done = true;
        send('observation', puzzleAnswer(puzzle.item, puzzle.id, verifyPuzzle(puzzle.item, action.text)));
        return;
      }
      if (!instance) throw new OpenEnvError('EXECUTION_ERROR', 'no episode: send reset first');
      const current = instance;
      try {
        pool.get(current.id); // also marks it used, as every REST call does
      } catch {
        instance = null;
        throw new OpenEnvError('SESSION_ERROR', 'the episode\'s instance was closed (idle timeout); send reset for a new episode');
      }
      const { result, saved } = step(current, action);
      const out = answer(result.observation, result, episodeId ?? current.id, current.env.turns);
      if (saved) await saved;
      send('observation', out);
    }
  }
}
