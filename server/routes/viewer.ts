/** The replay viewer's static files at /viewer/ (built on start when no build is there). */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildViewer, DEFAULT_VIEWER_DIR } from '../../viewer/build.js';

export default async function viewerRoutes(app: FastifyInstance): Promise<void> {
  const dir = app.settings.viewerDir ?? DEFAULT_VIEWER_DIR;
  if (!existsSync(join(dir, 'index.html'))) await buildViewer(dir, { keepExisting: true });
  await app.register(fastifyStatic, { root: dir, prefix: '/viewer/', decorateReply: false, schemaHide: true });
  app.get('/viewer', { schema: { hide: true } }, (_req, reply) => reply.redirect('/viewer/'));
  app.get('/', { schema: { hide: true } }, (_req, reply) => reply.redirect('/viewer/'));
}
