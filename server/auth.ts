/**
 * Optional token on every /v1 route and on /metrics (the viewer page and docs stay open), given as
 * `Authorization: Bearer <token>` or as the password of HTTP Basic auth: OpenRLHF's reward client
 * sends no header of its own, but a URL `http://rm:<token>@host/v1/reward` makes Python's
 * requests send Basic auth. The protocol façades (OpenEnv, ORS) check the same token with
 * `carriesToken`, each answering a refusal in its own protocol's shape.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { isOpenAIPath, OpenAIError } from './chat/openai-error.js';

/** Constant-time compare, so the token cannot be guessed byte by byte from timings. */
function same(given: Buffer, expected: Buffer): boolean {
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The password of a `Basic` authorization header, or null. */
function basicPassword(header: string): Buffer | null {
  if (!/^basic /i.test(header)) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : Buffer.from(decoded.slice(colon + 1));
}

/**
 * Whether a request's headers carry `token`: `Authorization: Bearer <token>`, Basic auth with the
 * token as password, or, where a protocol's client sends its key so (`apiKeyHeader`, ORS's SDK),
 * `X-API-Key: <token>`.
 */
export function carriesToken(token: string, o: { apiKeyHeader?: boolean } = {}): (headers: IncomingHttpHeaders) => boolean {
  const bearer = Buffer.from(`Bearer ${token}`);
  const password = Buffer.from(token);
  return (headers) => {
    const header = headers.authorization ?? '';
    if (same(Buffer.from(header), bearer)) return true;
    const basic = basicPassword(header);
    if (basic && same(basic, password)) return true;
    const key = headers['x-api-key'];
    return !!o.apiKeyHeader && typeof key === 'string' && same(Buffer.from(key), password);
  };
}

export function installAuth(app: FastifyInstance, token: string): void {
  const authorized = carriesToken(token);
  app.addHook('onRequest', async (req, reply) => {
    // The matched route's pattern, not the raw URL: the router decodes percent-escapes, so
    // "/%761/envs" reaches the /v1/envs handler while its raw URL does not start with "/v1/".
    const path = req.routeOptions.url ?? req.url.split('?')[0];
    // /metrics names the envs, models and traffic of the server: private when the API is.
    if (!path.startsWith('/v1/') && path !== '/v1' && path !== '/metrics') return;
    if (authorized(req.headers)) return;
    const header = req.headers.authorization ?? '';
    if (isOpenAIPath(path)) {
      // OpenAI clients read this shape (their AuthenticationError carries error.message).
      const e = new OpenAIError(401, 'Incorrect or missing API key: send "Authorization: Bearer <token>"', null, 'invalid_api_key', 'authentication_error');
      return reply.code(401).header('www-authenticate', 'Bearer').send(e.body());
    }
    const message = header
      ? 'invalid token: the authorization header does not carry this server\'s token (send "Bearer <token>", or Basic auth with the token as password)'
      : 'missing token: send the header authorization: Bearer <token> (or Basic auth with the token as password)';
    return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message });
  });
}
