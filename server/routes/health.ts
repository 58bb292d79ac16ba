/** GET /v1/health and GET /metrics. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { listEnvs } from '../../envs/core/registry.js';

const started = Date.now();

export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/v1/health',
    {
      schema: {
        tags: ['server'],
        summary: 'Liveness and load',
        response: {
          200: Type.Object({
            status: Type.Literal('ok'),
            instances: Type.Integer(),
            max_instances: Type.Integer(),
            envs: Type.Integer(),
            uptime_s: Type.Number(),
            replays: Type.Boolean(),
          }),
        },
      },
    },
    async () => ({
      status: 'ok' as const,
      instances: app.instances.size,
      max_instances: app.instances.max,
      envs: listEnvs().length,
      uptime_s: (Date.now() - started) / 1000,
      replays: app.replays !== null,
    }),
  );

  app.get('/metrics', { schema: { tags: ['server'], summary: 'Prometheus metrics' } }, async (_req, reply) =>
    reply
      .type('text/plain; version=0.0.4')
      .send(app.metrics.render({ instances: app.instances.size, maxInstances: app.instances.max })),
  );
}
