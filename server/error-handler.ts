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

/** "body.action must be ..." from the first schema error, with the union's description for anyOf. */
export function validationMessage(context: string, errors: AjvError[]): string {
  // Nested unions report inner branches first; the outermost described union reads best.
  const described = errors.filter((e) => e.keyword === 'anyOf' && e.parentSchema?.description);
  const first = described[described.length - 1] ?? errors[0];
  const path = `${context}${(first.instancePath ?? '').replace(/\//g, '.')}`;
  if (first.keyword === 'anyOf' && first.parentSchema?.description) return `${path} must be ${first.parentSchema.description}`;
  if (first.keyword === 'additionalProperties') return `${path} has an unknown field "${String(first.params?.additionalProperty)}"`;
  if (first.keyword === 'required') return `${path} is missing the field "${String(first.params?.missingProperty)}"`;
  return `${path} ${first.message ?? 'is invalid'}`;
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
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: CODES[status] ?? 'bad_request', message: err.message });
    }
    request.log.error({ err }, 'unhandled error');
    return reply.code(500).send({ error: 'internal', message: 'internal server error' });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` });
  });
}
