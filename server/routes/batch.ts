/**
 * Batch reset and step over many instances in one request (VAGEN-style), for trainers that drive
 * hundreds of episodes at once. Items fail one by one: a bad instance id gives that item an
 * `{ error, message, status }` and the rest of the batch still runs. A batch of costly resets
 * (large Sokoban rooms) yields to the event loop as it goes, so the server keeps answering.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.js';
import { resetJson, stepJson } from '../observation.js';
import type { JsonObject } from '../../envs/core/types.js';
import { mapYielding } from '../services/yielding.js';
import { ActionSchema, CreateInstanceSchema, ErrorSchema, ImageQuerySchema, SeedSchema, type ImageQuery } from '../schemas.js';

const InstanceId = Type.String({ minLength: 1, maxLength: 64 });

const ItemError = Type.Object({ error: Type.String(), message: Type.String(), status: Type.Integer() });
const Results = Type.Object({ results: Type.Array(Type.Unknown({ description: 'a reset/step result, or an item error' })) });

function itemError(e: unknown): Static<typeof ItemError> {
  if (e instanceof ApiError) return { error: e.code, message: e.message, status: e.statusCode };
  throw e;
}

/** `{ results }`: `run` on each item, an item's ApiError becoming that item's error. */
async function eachItem<T>(items: readonly T[], run: (item: T, index: number) => unknown): Promise<{ results: unknown[] }> {
  return {
    results: await mapYielding(items, (item, index) => {
      try {
        return run(item, index);
      } catch (e) {
        return itemError(e);
      }
    }),
  };
}

export default async function batchRoutes(app: FastifyInstance): Promise<void> {
  const pool = app.instances;
  const max = app.settings.maxBatch;
  const bodyLimit = app.settings.batchBodyLimit;

  const CreateBody = Type.Object(
    { items: Type.Array(CreateInstanceSchema, { minItems: 1, maxItems: max }) },
    { additionalProperties: false },
  );
  const ResetBody = Type.Object(
    {
      items: Type.Array(Type.Object({ instance_id: InstanceId, seed: Type.Optional(SeedSchema) }, { additionalProperties: false }), {
        minItems: 1,
        maxItems: max,
      }),
    },
    { additionalProperties: false },
  );
  const StepBody = Type.Object(
    {
      items: Type.Array(Type.Object({ instance_id: InstanceId, action: ActionSchema }, { additionalProperties: false }), {
        minItems: 1,
        maxItems: max,
      }),
    },
    { additionalProperties: false },
  );

  app.post<{ Body: Static<typeof CreateBody>; Querystring: ImageQuery }>(
    '/v1/batch/instances',
    {
      bodyLimit,
      schema: {
        tags: ['batch'],
        summary: `Make and reset up to ${max} instances`,
        body: CreateBody,
        querystring: ImageQuerySchema,
        response: { 200: Results, 400: ErrorSchema },
      },
    },
    async (req) =>
      eachItem(req.body.items, (item, i) => {
        const agent = item.agent ?? { name: 'api', model: null };
        const extras = { id: item.instance_id, leaseMs: item.lease_s === undefined ? undefined : item.lease_s * 1000 };
        const { instance, reset } = pool.create(item.env_id, (item.options ?? {}) as JsonObject, agent, item.seed, `body.items[${i}]`, extras);
        app.metrics.resetsTotal++;
        const body = resetJson(reset, instance.env.currentSeed ?? 0, instance.id, req.query.image);
        return { instance_id: instance.id, env_id: item.env_id, ...body };
      }),
  );

  app.post<{ Body: Static<typeof ResetBody>; Querystring: ImageQuery }>(
    '/v1/batch/reset',
    {
      bodyLimit,
      schema: {
        tags: ['batch'],
        summary: `Reset up to ${max} instances`,
        body: ResetBody,
        querystring: ImageQuerySchema,
        response: { 200: Results, 400: ErrorSchema },
      },
    },
    async (req) =>
      eachItem(req.body.items, (item) => {
        const instance = pool.get(item.instance_id);
        const reset = pool.reset(instance, item.seed);
        app.metrics.resetsTotal++;
        return resetJson(reset, instance.env.currentSeed ?? 0, instance.id, req.query.image);
      }),
  );

  app.post<{ Body: Static<typeof StepBody>; Querystring: ImageQuery }>(
    '/v1/batch/step',
    {
      bodyLimit,
      schema: {
        tags: ['batch'],
        summary: `Step up to ${max} instances, one action each`,
        body: StepBody,
        querystring: ImageQuerySchema,
        response: { 200: Results, 400: ErrorSchema },
      },
    },
    async (req) => {
      const saves: Promise<void>[] = [];
      const out = await eachItem(req.body.items, (item) => {
        const instance = pool.get(item.instance_id);
        const { result, saved } = pool.step(instance, item.action);
        app.metrics.stepsTotal++;
        if (saved) saves.push(saved);
        return stepJson(result, instance.id, req.query.image);
      });
      // Episodes that ended are answered once their replays are on disk.
      await Promise.all(saves);
      return out;
    },
  );
}
