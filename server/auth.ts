/**
 * Optional token on every /v1 route and on /metrics (the viewer page and docs stay open), given as
 * `Authorization: Bearer <token>` or as the password of HTTP Basic auth: OpenRLHF's reward client
 * sends no header of its own, but a URL `http://rm:<token>@host/v1/reward` makes Python's
 * requests send Basic auth.
 */
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

export function installAuth(app: FastifyInstance, token: string): void {
  const bearer = Buffer.from(`Bearer ${token}`);
  const password = Buffer.from(token);
  app.addHook('onRequest', async (req, reply) => {
    // The matched route's pattern, not the raw URL: the router decodes percent-escapes, so
    // "/%761/envs" reaches the /v1/envs handler while its raw URL does not start with "/v1/".
    const path = req.routeOptions.url ?? req.url.split('?')[0];
    // /metrics names the envs, models and traffic of the server: private when the API is.
    if (!path.startsWith('/v1/') && path !== '/v1' && path !== '/metrics') return;
    const header = req.headers.authorization ?? '';
    if (same(Buffer.from(header), bearer)) return;
    const basic = basicPassword(header);
    if (basic && same(basic, password)) return;
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
