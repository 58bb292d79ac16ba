/**
 * POST /v1/reward: OpenRLHF's remote reward protocol. `{ query, prompts, labels }` in,
 * `{ rewards, scores, extra_logs }` out, one entry per sample (server/reward/openrlhf.ts says what
 * each holds; `scores` is the protocol's [0, 1] field, not a game score). A whole rollout batch (256 prompts
 * x 16 samples) arrives in one request, so this route has its own, larger body limit, and the work
 * yields to the event loop as it goes so health checks and env steps are still answered.
 *
 * A label that cannot be graded (an unknown JSON form, an empty gold, an unknown env or puzzle
 * family) gets reward and score 0 and is reported in `errors` and `extra_logs.label_error`, so that one bad
 * label does not fail a 4,096-sample batch; `strict: true` in the body, or the server's
 * `rewardStrictLabels`, turns it into a 400 naming the label instead.
 *
 * The rewards are the environments' (envs/rewards, through server/reward/grade.ts). Grading runs
 * on `rewardWorkers` worker threads (server/reward/pool.ts), or in the request thread when that
 * is 0; both use the same grader and give the same answers. A grader that
 * throws, or a worker that dies, is a 500 naming the samples; the server goes on answering.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { JsonObject } from '../../envs/core/types.js';
import { ApiError, badRequest } from '../errors.js';
import { extractResponse } from '../reward/extract.js';
import { gradeOne, guarded, type Grader, type GradeOutcome, type GradeSettings, type RewardTask } from '../reward/grade.js';
import { RewardPool, RewardWorkerError } from '../reward/pool.js';
import type { OpenRlhfSample } from '../reward/openrlhf.js';
import { ErrorSchema } from '../schemas.js';
import { mapYielding } from '../services/yielding.js';

/** Longest accepted query or label, in characters. */
const MAX_TEXT = 1 << 20;

export default async function rewardRoutes(app: FastifyInstance): Promise<void> {
  const { maxRewardBatch, rewardBodyLimit, chatTemplate, rewardAnswerSearch, rewardStrictLabels, rewardWorkers, rewardWorkerTimeoutMs } = app.settings;
  const settings: GradeSettings = { answerSearch: rewardAnswerSearch };
  // The module is named by URL because workers load it themselves.
  const graderUrl = app.settings.rewardGrader ?? new URL('../reward/grade.ts', import.meta.url).href;
  const grader = guarded(app.settings.rewardGrader ? ((await import(graderUrl)) as { gradeOne: Grader }).gradeOne : gradeOne);
  const pool =
    rewardWorkers > 0
      ? new RewardPool({
          size: rewardWorkers,
          settings,
          grader: graderUrl,
          timeoutMs: rewardWorkerTimeoutMs,
          onWorkerLost: (reason) => app.log.error(`a reward worker was lost (${reason}); it is replaced on the next request`),
        })
      : null;
  if (pool) app.addHook('onClose', () => pool.close());
  if (pool && app.settings.rewardWorkersAtStart) app.addHook('onReady', () => pool.warm());
  const Texts = Type.Array(Type.String({ maxLength: MAX_TEXT }), { maxItems: maxRewardBatch });
  // OpenRLHF passes each dataset's label on as it is: a string, but also a bare number (a numeric
  // gold answer) or the level object itself.
  const Label = Type.Union([Type.String({ maxLength: MAX_TEXT }), Type.Number(), Type.Record(Type.String(), Type.Unknown(), { maxProperties: 64 })], {
    description: 'a gold answer (string or number) or a level { env_id, seed, options } (object or its JSON text)',
  });
  const Labels = Type.Array(Label, { maxItems: maxRewardBatch });
  // OpenRLHF versions add fields over time; unknown ones are accepted and ignored.
  const Body = Type.Object(
    {
      query: Texts,
      prompts: Type.Optional(Texts),
      labels: Labels,
      strict: Type.Optional(Type.Boolean({ description: 'a label that cannot be graded fails the request with a 400' })),
    },
    { additionalProperties: true },
  );
  const SampleError = Type.Object({ index: Type.Integer(), message: Type.String() });

  app.post<{ Body: Static<typeof Body> }>(
    '/v1/reward',
    {
      bodyLimit: rewardBodyLimit,
      schema: {
        tags: ['reward'],
        summary: 'OpenRLHF remote reward: one reward per (query, label)',
        body: Body,
        response: {
          200: Type.Object({
            rewards: Type.Array(Type.Number()),
            scores: Type.Array(Type.Number()),
            extra_logs: Type.Record(Type.String(), Type.Array(Type.Number())),
            errors: Type.Optional(Type.Array(SampleError, { description: 'labels that could not be graded (reward and score 0)' })),
          }),
          400: ErrorSchema,
          500: ErrorSchema,
        },
      },
    },
    async (req) => {
      const { query, prompts, labels } = req.body;
      const strict = req.body.strict ?? rewardStrictLabels;
      const errors: Static<typeof SampleError>[] = [];
      if (labels.length !== query.length) {
        throw badRequest(`body.labels has ${labels.length} items but body.query has ${query.length}; one label per query`);
      }
      // An empty label (LMM-R1's stock recipes send "" when no --label_key is set) names no gold
      // answer and no level: scoring it would hand out the format reward alone, silently.
      const empty = labels.findIndex((l) => typeof l === 'string' && l.trim() === '');
      if (empty >= 0) {
        throw badRequest(
          `body.labels[${empty}] is empty: a label must be a gold answer or a level {"env_id", "seed", "options"}; ` +
            'set the dataset\'s label column (OpenRLHF --data.label_key / --label_key; `npm run env -- dataset --format openrlhf` writes one)',
        );
      }
      const tasks: RewardTask[] = query.map((q, i) => {
        const label = labels[i];
        return { response: extractResponse(q, chatTemplate, prompts?.[i]), label: typeof label === 'number' ? String(label) : (label as string | JsonObject) };
      });
      let outcomes: GradeOutcome[];
      try {
        outcomes = pool ? await pool.grade(tasks) : await mapYielding(tasks, (t) => grader(t, settings));
      } catch (e) {
        if (e instanceof RewardWorkerError) throw new ApiError(500, 'internal', e.message);
        throw e;
      }
      const results: OpenRlhfSample[] = outcomes.map((o, i) => {
        if ('sample' in o) return o.sample;
        if ('failure' in o) throw new ApiError(500, 'internal', `grading sample ${i} (body.query[${i}], body.labels[${i}]) failed: ${o.failure}`);
        const message = `body.labels[${i}]: ${o.labelError}`;
        if (strict) throw badRequest(message);
        errors.push({ index: i, message });
        return { reward: 0, score: 0, logs: { label_error: 1 } };
      });
      app.metrics.rewardSamplesTotal += results.length;
      const keys = [...new Set(results.flatMap((r) => Object.keys(r.logs)))];
      const extra_logs: Record<string, number[]> = {};
      // Every key gets one entry per sample (0 where a sample has none), as the trainer expects.
      for (const key of keys) extra_logs[key] = results.map((r) => r.logs[key] ?? 0);
      return { rewards: results.map((r) => r.reward), scores: results.map((r) => r.score), extra_logs, ...(errors.length > 0 ? { errors } : {}) };
    },
  );
}
