/** Single-instance routes: create, reset, step, frame, delete. */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { JsonObject } from '../../envs/core/types.js';
import { badRequest } from '../errors.js';
import { observationJson, resetJson, stepJson } from '../observation.js';
import { encodePngFast } from '../../envs/render/png-node.js';
import {
  ActionSchema,
  CreateInstanceSchema,
  ErrorSchema,
  ImageQuerySchema,
  InstanceIdParams,
  OptionsSchema,
  ResetResponseSchema,
  SeedSchema,
  StepResponseSchema,
  type ImageQuery,
} from '../schemas.js';

const CreateBody = CreateInstanceSchema;
const ResetBody = Type.Object(
  { seed: Type.Optional(SeedSchema), options: Type.Optional(OptionsSchema) },
  { additionalProperties: false },
);
const StepBody = Type.Object({ action: ActionSchema }, { additionalProperties: false });

const errors = { 400: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

export default async function instanceRoutes(app: FastifyInstance): Promise<void> {
  const pool = app.instances;

  app.post<{ Body: Static<typeof CreateBody>; Querystring: ImageQuery }>(
    '/v1/instances',
    {
      schema: {
        tags: ['instances'],
        summary: 'Make an env instance and reset it',
        body: CreateBody,
        querystring: ImageQuerySchema,
        response: {
          200: Type.Composite([Type.Object({ instance_id: Type.String(), env_id: Type.String(), spaces: Type.Unknown() }), ResetResponseSchema]),
          ...errors,
          503: ErrorSchema,
        },
      },
    },
    async (req) => {
      const { env_id, options, seed, agent, instance_id, lease_s } = req.body;
      const extras = { id: instance_id, leaseMs: lease_s === undefined ? undefined : lease_s * 1000 };
      const { instance, reset } = pool.create(env_id, (options ?? {}) as JsonObject, agent ?? { name: 'api', model: null }, seed, 'body', extras);
      app.metrics.resetsTotal++;
      const body = resetJson(reset, instance.env.currentSeed ?? 0, instance.id, req.query.image);
      return { instance_id: instance.id, env_id, spaces: instance.env.spaces, ...body };
    },
  );

  app.post<{ Params: InstanceIdParams; Body: Static<typeof ResetBody> | undefined; Querystring: ImageQuery }>(
    '/v1/instances/:id/reset',
    {
      // A reset needs no body at all: a bare POST (or a JSON null) means "new episode, any seed".
      preValidation: (req, _reply, done) => {
        req.body ??= {};
        done();
      },
      schema: {
        tags: ['instances'],
        summary: 'Start a new episode',
        params: InstanceIdParams,
        body: ResetBody,
        querystring: ImageQuerySchema,
        response: { 200: ResetResponseSchema, ...errors },
      },
    },
    async (req) => {
      const instance = pool.get(req.params.id);
      if (req.body?.options && Object.keys(req.body.options).length > 0) {
        throw badRequest('body.options: options are fixed per instance; make a new instance to change them');
      }
      const reset = pool.reset(instance, req.body?.seed);
      app.metrics.resetsTotal++;
      return resetJson(reset, instance.env.currentSeed ?? 0, instance.id, req.query.image);
    },
  );

  app.post<{ Params: InstanceIdParams; Body: Static<typeof StepBody>; Querystring: ImageQuery }>(
    '/v1/instances/:id/step',
    {
      schema: {
        tags: ['instances'],
        summary: 'Take one turn: a structured action or { text } (a raw model response)',
        params: InstanceIdParams,
        body: StepBody,
        querystring: ImageQuerySchema,
        response: { 200: StepResponseSchema, ...errors },
      },
    },
    async (req) => {
      const instance = pool.get(req.params.id);
      const { result, saved } = pool.step(instance, req.body.action);
      app.metrics.stepsTotal++;
      const body = stepJson(result, instance.id, req.query.image);
      // The end of an episode is answered once its replay is on disk (persisted, then acknowledged).
      if (saved) await saved;
      return body;
    },
  );

  app.get<{ Params: InstanceIdParams; Querystring: ImageQuery }>(
    '/v1/instances/:id',
    {
      schema: {
        tags: ['instances'],
        summary: 'The current observation again (after a lost response), with the episode\'s progress',
        params: InstanceIdParams,
        querystring: ImageQuerySchema,
        response: {
          200: Type.Object({
            instance_id: Type.String(),
            env_id: Type.String(),
            seed: Type.Union([Type.Integer(), Type.Null()]),
            turns: Type.Integer(),
            done: Type.Boolean(),
            observation: Type.Unknown(),
          }),
          404: ErrorSchema,
        },
      },
    },
    async (req) => {
      const instance = pool.get(req.params.id);
      return {
        instance_id: instance.id,
        env_id: instance.env.id,
        seed: instance.env.currentSeed,
        turns: instance.env.turns,
        done: instance.env.episodeDone,
        observation: observationJson(instance.observation, instance.id, req.query.image),
      };
    },
  );

  app.get<{ Params: InstanceIdParams }>(
    '/v1/instances/:id/frame.png',
    {
      schema: {
        tags: ['instances'],
        summary: 'The current frame as PNG',
        params: InstanceIdParams,
        response: { 404: ErrorSchema },
      },
    },
    async (req, reply) => {
      const png = encodePngFast(pool.get(req.params.id).env.render('rgb'));
      return reply.type('image/png').header('cache-control', 'no-store').send(png);
    },
  );

  app.delete<{ Params: InstanceIdParams }>(
    '/v1/instances/:id',
    {
      schema: {
        tags: ['instances'],
        summary: 'Close an instance',
        params: InstanceIdParams,
        response: { 200: Type.Object({ deleted: Type.Boolean() }), 404: ErrorSchema },
      },
    },
    async (req) => {
      pool.get(req.params.id);
      return { deleted: pool.delete(req.params.id) };
    },
  );
}
