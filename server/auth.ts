/** Optional bearer token on every /v1 route (the viewer page, docs and metrics stay open). */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

export function installAuth(app: FastifyInstance, token: string): void {
  const expected = Buffer.from(`Bearer ${token}`);
  app.addHook('onRequest', async (req, reply) => {
    // The matched route's pattern, not the raw URL: the router decodes percent-escapes, so
    // "/%761/envs" reaches the /v1/envs handler while its raw URL does not start with "/v1/".
    const path = req.routeOptions.url ?? req.url.split('?')[0];
    if (!path.startsWith('/v1/') && path !== '/v1') return;
    const given = Buffer.from(req.headers.authorization ?? '');
    // Constant-time compare, so the token cannot be guessed byte by byte from timings.
    if (given.length === expected.length && timingSafeEqual(given, expected)) return;
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer')
      .send({ error: 'unauthorized', message: 'header authorization: expected "Bearer <token>"' });
  });
}
