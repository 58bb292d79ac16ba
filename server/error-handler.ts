/**
 * One error handler for the whole app: every client mistake is a 4xx `{ error, message }` whose
 * message names the field at fault; only our own bugs are a 500 (and are logged).
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { EnvError } from '../envs/core/types.js';
import { ReplayFormatError } from '../envs/replay/validate.js';
import { ApiError } from './errors.js';

export interface AjvError {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
  parentSchema?: { description?: string };
}

/**
 * A field as every message of the server names it: `body.items[3].env_id` (indices in brackets, as
 * the OpenAI routes and the reward route write them), from Ajv's `/items/3/env_id`.
 */
export function fieldPath(context: string, instancePath = ''): string {
  return context + instancePath.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('');
}

/** "body.action must be ..." from the first schema error, with the union's description for anyOf. */
export function validationMessage(context: string, errors: AjvError[]): string {
  // Nested unions report inner branches first; the outermost described union reads best.
  const described = errors.filter((e) => e.keyword === 'anyOf' && e.parentSchema?.description);
  const first = described[described.length - 1] ?? errors[0];
  const path = fieldPath(context, first.instancePath);
  if (first.keyword === 'anyOf' && first.parentSchema?.description) return `${path} must be ${first.parentSchema.description}`;
  if (first.keyword === 'additionalProperties') return `${path} has an unknown field "${String(first.params?.additionalProperty)}"`;
  if (first.keyword === 'required') return `${path} is missing the field "${String(first.params?.missingProperty)}"`;
  return `${path} ${first.message ?? 'is invalid'}`;
}

/** The 415's message, for both error shapes. */
export function mediaTypeMessage(contentType: string | undefined): string {
  return `send JSON: set the header content-type: application/json (got ${contentType ? `"${contentType.slice(0, 80)}"` : 'no content-type'})`;
}

/** The 413's message, for both error shapes: the route's limit and the flag that sets it. */
export function bodyTooLargeMessage(limit: number, flag: string): string {
  const mib = limit >= 1 << 20 ? ` = ${+(limit / (1 << 20)).toFixed(2)} MiB` : '';
  return `request body is larger than this route's limit of ${limit} bytes${mib} (the server's ${flag} raises it)`;
}

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof ApiError) {
      return reply.code(err.statusCode).headers(err.headers).send({ error: err.code, message: err.message });
    }
    if (err.validation) {
      const message = validationMessage(err.validationContext ?? 'request', err.validation as AjvError[]);
      return reply.code(400).send({ error: 'bad_request', message });
    }
    if (err instanceof EnvError || err instanceof ReplayFormatError) {
      return reply.code(400).send({ error: 'bad_request', message: err.message });
    }
    const status = err.statusCode ?? 500;
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || status === 415) {
      return reply.code(415).send({ error: 'unsupported_media_type', message: mediaTypeMessage(request.headers['content-type']) });
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const limit = request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit ?? 0;
      return reply.code(413).send({ error: 'payload_too_large', message: bodyTooLargeMessage(limit, '--body-limit options') });
    }
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: CODES[status] ?? 'bad_request', message: err.message });
    }
    request.log.error({ err }, 'unhandled error');
    return reply.code(500).send({ error: 'internal', message: 'internal server error' });
  });

  // Every route's methods by pattern, so that a known path asked with the wrong method is a 405
  // naming the methods it has (Fastify's router answers 404 for both).
  const routes: { pattern: RegExp; method: string }[] = [];
  app.addHook('onRoute', (route) => {
    const pattern = new RegExp(`^${route.url.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[^/]+/g, '[^/]+').replace(/\*/g, '.*')}$`);
    for (const method of [route.method].flat()) routes.push({ pattern, method });
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const allowed = [...new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method))].sort();
    if (allowed.length > 0) {
      return reply
        .code(405)
        .header('allow', allowed.join(', '))
        .send({ error: 'method_not_allowed', message: `${request.method} ${path} is not served; this path takes ${allowed.join(', ')}` });
    }
    return reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${path.slice(0, 200)}` });
  });
}
