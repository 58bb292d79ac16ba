/**
 * TypeBox schemas shared by several routes. Each route file holds its own schemas inline; these
 * are the pieces that recur (actions, seeds, observations, errors).
 */
import { Type, type Static } from '@sinclair/typebox';
import { REPLAY_LIMITS, ReplayAgentSchema } from '../envs/replay/schema.js';

export const ErrorSchema = Type.Object({
  error: Type.String({ description: 'stable code, e.g. bad_request, not_found, conflict' }),
  message: Type.String({ description: 'what is wrong, naming the field' }),
});

export const SeedSchema = Type.Integer({
  minimum: -Number.MAX_SAFE_INTEGER,
  maximum: Number.MAX_SAFE_INTEGER,
  description: 'episode seed; the server draws one when absent (reported back, so the episode can be replayed)',
});

export const OptionsSchema = Type.Record(Type.String({ maxLength: 128 }), Type.Unknown(), {
  maxProperties: 64,
  description: "env options (see GET /v1/envs for each id's defaults)",
});

const MoveSchema = Type.Union([Type.Integer({ minimum: -1e9, maximum: 1e9 }), Type.String({ maxLength: REPLAY_LIMITS.nameChars })], {
  description: 'an action index or an action name',
});

export const ActionSchema = Type.Union(
  [
    MoveSchema,
    Type.Array(MoveSchema, { maxItems: REPLAY_LIMITS.actionsPerStep }),
    Type.Object({ text: Type.String({ maxLength: REPLAY_LIMITS.textChars }) }, { additionalProperties: false }),
  ],
  {
    description: `an action index, an action name, a list of them, or { text } holding a raw model response (at most ${REPLAY_LIMITS.textChars} characters)`,
  },
);

export const AgentSchema = ReplayAgentSchema;

export const ImageQuerySchema = Type.Object(
  {
    image: Type.Optional(
      Type.Union([Type.Literal('png'), Type.Literal('url')], {
        description: 'png (the frame inline as base64 PNG) or url (the default: only frame_url)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ImageQuery = Static<typeof ImageQuerySchema>;

export const ObservationSchema = Type.Object({
  text: Type.String(),
  state: Type.Unknown({ description: 'symbolic state, JSON' }),
  frame_url: Type.String({ description: 'GET it for the current frame as PNG' }),
  image: Type.Optional(
    Type.Object({
      mime: Type.Literal('image/png'),
      width: Type.Integer(),
      height: Type.Integer(),
      base64: Type.String(),
    }),
  ),
});

export const InfoSchema = Type.Record(Type.String(), Type.Unknown(), { description: 'step info: action_is_valid, invalid_actions, score at the end...' });

export const StepResponseSchema = Type.Object({
  observation: ObservationSchema,
  reward: Type.Number(),
  terminated: Type.Boolean(),
  truncated: Type.Boolean(),
  info: InfoSchema,
});

export const ResetResponseSchema = Type.Object({
  seed: Type.Integer(),
  observation: ObservationSchema,
  info: InfoSchema,
});

export const InstanceIdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
export type InstanceIdParams = Static<typeof InstanceIdParams>;

export const CreateInstanceSchema = Type.Object(
  {
    env_id: Type.String({ minLength: 1, maxLength: 256 }),
    options: Type.Optional(OptionsSchema),
    seed: Type.Optional(SeedSchema),
    agent: Type.Optional(AgentSchema),
    // A client that cannot be told when its episode ends (OpenRLHF's executors) names the instance
    // itself, so that whoever holds the name can close it, and asks for a shorter idle lease.
    instance_id: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9_-]{16,64}$', description: 'a client-chosen id (16-64 of A-Z a-z 0-9 _ -); 409 when in use' }),
    ),
    lease_s: Type.Optional(Type.Integer({ minimum: 1, description: "close the instance after this many seconds unused (at most the server's idle timeout)" })),
  },
  { additionalProperties: false },
);
export type CreateInstance = Static<typeof CreateInstanceSchema>;
