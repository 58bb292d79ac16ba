/** The replay viewer's static files at /viewer/. */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildViewer, DEFAULT_VIEWER_DIR, viewerBuildIsStale } from '../../viewer/build.js';

export default async function viewerRoutes(app: FastifyInstance): Promise<void> {
  // The default directory is (re)built when missing or older than the sources, so a server never
  // serves a viewer that disagrees with its own env code; a given one is built only when empty.
  const given = app.settings.viewerDir;
  const dir = given ?? DEFAULT_VIEWER_DIR;
  if (given === undefined ? viewerBuildIsStale(dir) : !existsSync(join(dir, 'index.html'))) await buildViewer(dir);
  await app.register(fastifyStatic, { root: dir, prefix: '/viewer/', decorateReply: false, schemaHide: true });
  // The query goes along: `/viewer?replay=...` opens that replay as `/viewer/?replay=...` does.
  const toViewer = (req: FastifyRequest, reply: FastifyReply) => {
    const q = req.url.indexOf('?');
    return reply.redirect(`/viewer/${q < 0 ? '' : req.url.slice(q)}`);
  };
  app.get('/viewer', { schema: { hide: true } }, toViewer);
  app.get('/', { schema: { hide: true } }, toViewer);
}
