/**
 * Errors in OpenAI's shape, `{ error: { message, type, param, code } }`, for the OpenAI-compatible
 * routes (/v1/chat/completions, /v1/models): OpenAI clients read `error.message` and `error.code`
 * from that shape, and map the status to their error classes (BadRequestError, NotFoundError...).
 * The rest of the API keeps its own `{ error, message }` shape.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { EnvError } from '../../envs/core/types.js';
import { ApiError } from '../errors.js';
import { bodyTooLargeMessage, mediaTypeMessage, validationMessage, type AjvError } from '../error-handler.js';

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export class OpenAIError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly type = statusCode >= 500 ? 'server_error' : 'invalid_request_error',
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'OpenAIError';
  }

  body(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export const invalid = (message: string, param: string | null = null, code: string | null = null) => new OpenAIError(400, message, param, code);

/** Whether a route path is one of the OpenAI-compatible ones (their errors use OpenAI's shape). */
export function isOpenAIPath(path: string): boolean {
  return path.startsWith('/v1/chat/') || path === '/v1/models' || path.startsWith('/v1/models/') || path.startsWith('/v1/sessions/');
}

const TYPES: Record<number, string> = { 401: 'authentication_error', 404: 'invalid_request_error', 429: 'rate_limit_error' };

/** "messages[0].content" from Ajv's "/messages/0/content". */
function paramOf(instancePath: string | undefined): string | null {
  if (!instancePath) return null;
  return instancePath
    .slice(1)
    .split('/')
    .map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`))
    .join('');
}

/** The OpenAI-shaped error for anything a chat route throws; our own bugs become a logged 500. */
export function toOpenAIError(thrown: unknown, request: FastifyRequest): OpenAIError {
  if (thrown instanceof OpenAIError) return thrown;
  const err = thrown instanceof Error ? thrown : new Error(String(thrown));
  const fe = err as FastifyError;
  if (fe.validation) {
    const errors = fe.validation as AjvError[];
    const message = validationMessage(fe.validationContext ?? 'request', errors);
    const described = errors.filter((e) => e.keyword === 'anyOf' && e.parentSchema?.description);
    const first = described[described.length - 1] ?? errors[0];
    return invalid(message, paramOf(first?.instancePath), 'invalid_value');
  }
  if (err instanceof ApiError) {
    return new OpenAIError(err.statusCode, err.message, null, err.code, TYPES[err.statusCode], err.headers);
  }
  if (err instanceof EnvError) return invalid(err.message);
  const status = fe.statusCode ?? 500;
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || status === 415) {
    return new OpenAIError(415, mediaTypeMessage(request.headers['content-type']), null, 'unsupported_media_type');
  }
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new OpenAIError(413, bodyTooLargeMessage(request.routeOptions.bodyLimit ?? 0, '--chat-body-limit'), null, 'request_too_large');
  }
  // Fastify's own codes (FST_...) name its internals, not the request: the message says what is wrong.
  if (status >= 400 && status < 500) return new OpenAIError(status, err.message, null, fe.code?.startsWith('FST_') ? null : (fe.code ?? null), TYPES[status]);
  request.log.error({ err }, 'unhandled error in a chat route');
  return new OpenAIError(500, 'internal server error', null, null, 'server_error');
}

export function sendOpenAIError(reply: FastifyReply, e: OpenAIError): FastifyReply {
  return reply.code(e.statusCode).headers(e.headers).send(e.body());
}
