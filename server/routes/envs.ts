/** GET /v1/envs: the registered ids with their spaces and resolved default options. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { listEnvs, make } from '../../envs/core/registry.js';
import type { EnvSpaces, JsonObject } from '../../envs/core/types.js';

interface EnvDescription {
  id: string;
  description: string;
  options: JsonObject;
  spaces: EnvSpaces;
}

const EnvSchema = Type.Object({
  id: Type.String(),
  description: Type.String(),
  options: Type.Unknown({ description: 'default options, resolved' }),
  spaces: Type.Unknown({ description: 'action and observation spaces' }),
});

export default async function envRoutes(app: FastifyInstance): Promise<void> {
  // Games register at import time and never leave, so each id is described once.
  const cache = new Map<string, EnvDescription>();
  const describe = (): EnvDescription[] =>
    listEnvs().map((spec) => {
      let d = cache.get(spec.id);
      if (!d) {
        const env = make(spec.id);
        d = { id: spec.id, description: spec.description, options: env.options, spaces: env.spaces };
        env.close();
        cache.set(spec.id, d);
      }
      return d;
    });

  app.get(
    '/v1/envs',
    {
      schema: {
        tags: ['envs'],
        summary: 'Registered environments',
        response: { 200: Type.Object({ envs: Type.Array(EnvSchema) }) },
      },
    },
    async () => ({ envs: describe() }),
  );
}
