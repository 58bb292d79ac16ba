/** The replay viewer's static files at /viewer/. */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
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
  app.get('/viewer', { schema: { hide: true } }, (_req, reply) => reply.redirect('/viewer/'));
  app.get('/', { schema: { hide: true } }, (_req, reply) => reply.redirect('/viewer/'));
}
