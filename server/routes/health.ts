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
        summary: 'Liveness and load; `degraded` (still serving) with the reasons when something fails, such as replay saves',
        response: {
          200: Type.Object({
            status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
            reasons: Type.Array(Type.String(), { description: 'why the server is degraded; empty when ok' }),
            instances: Type.Integer(),
            max_instances: Type.Integer(),
            envs: Type.Integer(),
            uptime_s: Type.Number(),
            replays: Type.Boolean(),
          }),
        },
      },
    },
    async () => {
      const replayProblem = app.replaySaves?.problem();
      const reasons = replayProblem ? [replayProblem] : [];
      return {
        status: reasons.length > 0 ? ('degraded' as const) : ('ok' as const),
        reasons,
        instances: app.instances.size,
        max_instances: app.instances.max,
        envs: listEnvs().length,
        uptime_s: (Date.now() - started) / 1000,
        replays: app.replays !== null,
      };
    },
  );

  app.get('/metrics', { schema: { tags: ['server'], summary: 'Prometheus metrics' } }, async (_req, reply) =>
    reply
      .type('text/plain; version=0.0.4')
      .send(app.metrics.render({ instances: app.instances.size, maxInstances: app.instances.max })),
  );
}
