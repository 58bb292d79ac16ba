/** Replays: list with filters, fetch one, upload one (verified before it is kept). */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parseReplay } from '../../envs/replay/validate.js';
import { verifyReplay } from '../../envs/replay/verify.js';
import { ApiError, notFound, unprocessable } from '../errors.js';
import { ErrorSchema } from '../schemas.js';

const ListQuery = Type.Object(
  {
    env: Type.Optional(Type.String({ maxLength: 256 })),
    agent: Type.Optional(Type.String({ maxLength: 128 })),
    // Query strings are not coerced (see app.ts), so numbers arrive as digit strings.
    limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$', description: 'at most 1000, default 100' })),
    offset: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })),
  },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: Type.String({ maxLength: 256 }) });

export default async function replayRoutes(app: FastifyInstance): Promise<void> {
  const store = () => {
    if (!app.replays) throw new ApiError(404, 'not_found', 'this server keeps no replays (start it with --replay-dir)');
    return app.replays;
  };
  const saves = () => {
    store();
    return app.replaySaves!;
  };

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/v1/replays',
    {
      schema: {
        tags: ['replays'],
        summary: 'Saved replays, newest first',
        querystring: ListQuery,
        response: { 200: Type.Object({ total: Type.Integer(), replays: Type.Array(Type.Unknown()) }), 404: ErrorSchema },
      },
    },
    async (req) => {
      const { env, agent, limit, offset } = req.query;
      return store().list({ env, agent, limit: Math.min(1000, Number(limit ?? 100)), offset: Number(offset ?? 0) });
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/v1/replays/:id',
    { schema: { tags: ['replays'], summary: 'One replay', params: IdParams, response: { 404: ErrorSchema } } },
    async (req) => {
      const replay = await store().get(req.params.id);
      if (!replay) throw notFound(`no replay "${req.params.id.slice(0, 64)}"`);
      return replay;
    },
  );

  app.post<{ Body: unknown }>(
    '/v1/replays',
    {
      schema: {
        tags: ['replays'],
        summary: 'Upload a replay (e.g. a human game from the viewer); kept only when it verifies',
        // The replay schema is checked by parseReplay, which names the field at fault.
        body: Type.Object({}, { additionalProperties: true }),
        response: {
          200: Type.Object({ id: Type.String(), verification: Type.Unknown() }),
          400: ErrorSchema,
          404: ErrorSchema,
          422: ErrorSchema,
          507: ErrorSchema,
        },
      },
    },
    async (req) => {
      const replay = parseReplay(req.body);
      const verification = verifyReplay(replay);
      if (!verification.ok) throw unprocessable(`replay does not verify: ${verification.message}`);
      // A write that fails (a full disk) is a 507 naming the replay directory and the cause.
      const id = await saves().save(replay);
      return { id, verification };
    },
  );
}
