/**
 * The replay record, versioned and typed once as a TypeBox schema: the TypeScript type comes from
 * `Static<>`, and the same schema checks untrusted replay JSON (uploads, dropped files) and
 * documents the server's replay routes. Frames are never stored: the env code re-simulates them
 * from the seed and the actions, which also re-verifies rewards and the score.
 */
import { Type, type Static } from '@sinclair/typebox';

/** Bump on any change that an old reader would misread; readers reject other versions. */
export const REPLAY_VERSION = 1;

/** Bounds that keep one hostile replay from exhausting memory in the server or the viewer. */
export const REPLAY_LIMITS = {
  steps: 100_000,
  textChars: 65_536,
  actionsPerStep: 10_000,
  /** Longest action name, as given or as parsed. */
  nameChars: 256,
} as const;

const JsonAny = Type.Unknown({ description: 'any JSON value' });
const JsonObject = Type.Record(Type.String(), JsonAny);

// As wide as the server's action schema: an out-of-range index is played (as an invalid move) and
// recorded, so its replay must read back.
const ActionItem = Type.Union([Type.Integer({ minimum: -1e9, maximum: 1e9 }), Type.String({ maxLength: REPLAY_LIMITS.nameChars })]);

export const ReplayAgentSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128, description: 'who played: "random", "human", a checkpoint name...' }),
    model: Type.Optional(Type.Union([Type.String({ maxLength: 256 }), Type.Null()])),
    config: Type.Optional(JsonObject),
  },
  { additionalProperties: false },
);

export const ReplayStepSchema = Type.Object(
  {
    /** The model's raw response for the turn; null when a structured action was played. */
    text: Type.Union([Type.String({ maxLength: REPLAY_LIMITS.textChars }), Type.Null()]),
    /** The structured action played; null for text turns (the env re-parses `text`). */
    action: Type.Union([ActionItem, Type.Array(ActionItem, { maxItems: REPLAY_LIMITS.actionsPerStep }), Type.Null()]),
    /** Canonical names of the moves the env read from this turn, in order. */
    parsed_actions: Type.Array(Type.String({ maxLength: REPLAY_LIMITS.nameChars }), { maxItems: REPLAY_LIMITS.actionsPerStep }),
    valid: Type.Boolean(),
    reward: Type.Number(),
    terminated: Type.Boolean(),
    truncated: Type.Boolean(),
    /** The small entries of the step's info (see `infoSubset`). */
    info: JsonObject,
  },
  { additionalProperties: false },
);

export const ReplayResultSchema = Type.Object(
  {
    score: Type.Union([Type.Number(), Type.Null()]),
    success: Type.Boolean(),
    return: Type.Number(),
    length: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

export const ReplaySchema = Type.Object(
  {
    version: Type.Literal(REPLAY_VERSION),
    env_id: Type.String({ minLength: 1, maxLength: 256 }),
    /**
     * The instance's resolved options: `make(env_id, options)` rebuilds the same episode. For a
     * fixed level set, only the level played (see `source`), not the whole file.
     */
    options: JsonObject,
    /** Where the options' content came from: a level set's `sha256`, the level's `index` and `name`, the set's `levels` count. */
    source: Type.Optional(JsonObject),
    seed: Type.Integer({ minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER }),
    agent: ReplayAgentSchema,
    /** ISO 8601 time the episode ended (replay ids and the newest-first listing are built on it). */
    created_at: Type.String({ maxLength: 64, pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?$' }),
    steps: Type.Array(ReplayStepSchema, { maxItems: REPLAY_LIMITS.steps }),
    result: ReplayResultSchema,
  },
  { additionalProperties: false },
);

export type ReplayAgent = Static<typeof ReplayAgentSchema>;
export type ReplayStep = Static<typeof ReplayStepSchema>;
export type ReplayResult = Static<typeof ReplayResultSchema>;
export type Replay = Static<typeof ReplaySchema>;
