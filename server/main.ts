/**
 * The server process: `npm run serve -- --host 127.0.0.1 --port 8000 [--token T] [--replay-dir D]`.
 * Stops gracefully on SIGINT/SIGTERM: new requests are refused, in-flight ones finish, pending
 * replays are written, then the process exits.
 */
import { Command, InvalidArgumentError } from 'commander';
import '../envs/index.js';
import { buildApp } from './app.js';
import { integerIn } from '../envs/node/cli-options.js';
import { CHAT_TEMPLATES, DEFAULT_REWARD_WORKERS } from './options.js';
import type { AnswerSearch } from '../envs/rewards/config.js';

/** `--model NAME=DIR`, repeatable: collected into a name -> directory map. */
function modelEntry(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0 || eq === value.length - 1) throw new InvalidArgumentError('expected NAME=DIR, e.g. tiny=assets/checkpoints/tiny');
  const name = value.slice(0, eq);
  if (Object.hasOwn(previous, name)) throw new InvalidArgumentError(`model name "${name}" is given twice`);
  return { ...previous, [name]: value.slice(eq + 1) };
}

const program = new Command()
  .name('serve')
  .description('HTTP environment server: instances, batch calls, OpenRLHF reward endpoint, replays, viewer, OpenAI-compatible chat on TinyLMM checkpoints')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'port (0 picks a free one)', integerIn(0), 8000)
  .option('--token <token>', 'require "Authorization: Bearer <token>" on /v1 routes (default: $ENV_SERVER_TOKEN)')
  .option('--replay-dir <dir>', 'save finished episodes here', 'runs/replays')
  .option('--no-replays', 'do not save replays')
  .option('--viewer-dir <dir>', 'built viewer files (default: dist/viewer, built on start if missing)')
  .option('--max-instances <n>', 'instance limit', integerIn(1), 1024)
  .option('--idle-timeout <seconds>', 'close instances idle this long', integerIn(1), 600)
  .option('--max-batch <n>', 'most items in one batch call', integerIn(1), 1024)
  .option('--body-limit <bytes>', 'request body limit (reward and batch routes have their own)', integerIn(1024), 1 << 20)
  .option('--batch-body-limit <bytes>', 'body limit of the batch routes', integerIn(1024), 64 << 20)
  .option('--reward-body-limit <bytes>', 'body limit of /v1/reward', integerIn(1024), 256 << 20)
  .option('--reward-answer-search <mode>', 'where /v1/reward finds a math answer: answer-block (the <answer> block) or whole-response (LMM-R1: last \\boxed{} anywhere)', 'answer-block')
  .option('--reward-strict-labels', 'fail a whole /v1/reward request with a 400 on one label that cannot be graded')
  .option('--reward-workers <n>', 'worker threads grading /v1/reward samples (0: in the request thread)', integerIn(0), DEFAULT_REWARD_WORKERS)
  .option('--reward-worker-timeout <seconds>', 'a reward worker busy this long on one message is replaced and its requests get a 500', integerIn(1), 60)
  .option('--max-replay-bytes <bytes>', 'memory budget of one episode replay; longer episodes are not saved', integerIn(1024), 4 << 20)
  .option('--chat-template <name>', `template whose assistant header starts responses: ${Object.keys(CHAT_TEMPLATES).join(', ')}`, 'chatml')
  .option('--model <name=dir>', 'serve a TinyLMM checkpoint at /v1/chat/completions under this name (repeatable)', modelEntry, {})
  .option('--model-threads <n>', "intra-op threads of the served models (default: ORT's, all cores)", integerIn(1))
  .option('--chat-batch-window <ms>', 'how long a chat request waits for others to join its batch', integerIn(0), 10)
  .option('--chat-max-batch <rows>', 'most rows (choices) decoded in one batch', integerIn(1), 64)
  .option('--chat-body-limit <bytes>', 'body limit of /v1/chat/completions (images come inline)', integerIn(1024), 16 << 20)
  .option('--max-image-pixels <n>', 'most pixels (width x height) of one chat image', integerIn(1), 2048 * 2048)
  .option('--max-image-side <n>', 'most pixels along either side of one chat image', integerIn(1), 4096)
  .option('--max-image-aspect <n>', 'most times one side of a chat image may be as long as the other', integerIn(1), 16)
  .option('--log-requests', 'log every request')
  .option('--quiet', 'no log at all');

async function main(): Promise<void> {
  const o = program.parse().opts();
  const template = CHAT_TEMPLATES[o.chatTemplate as string];
  if (!template) program.error(`--chat-template must be one of ${Object.keys(CHAT_TEMPLATES).join(', ')}`);
  const search = o.rewardAnswerSearch as string;
  if (search !== 'answer-block' && search !== 'whole-response') program.error('--reward-answer-search must be answer-block or whole-response');
  const app = await buildApp({
    rewardAnswerSearch: search as AnswerSearch,
    rewardStrictLabels: Boolean(o.rewardStrictLabels),
    rewardWorkers: o.rewardWorkers as number,
    rewardWorkersAtStart: true,
    rewardWorkerTimeoutMs: (o.rewardWorkerTimeout as number) * 1000,
    token: (o.token as string | undefined) ?? process.env.ENV_SERVER_TOKEN,
    replayDir: o.replays ? (o.replayDir as string) : undefined,
    viewerDir: o.viewerDir as string | undefined,
    maxInstances: o.maxInstances as number,
    idleTimeoutMs: (o.idleTimeout as number) * 1000,
    maxBatch: o.maxBatch as number,
    bodyLimit: o.bodyLimit as number,
    rewardBodyLimit: o.rewardBodyLimit as number,
    batchBodyLimit: o.batchBodyLimit as number,
    maxReplayBytes: o.maxReplayBytes as number,
    chatTemplate: template,
    models: o.model as Record<string, string>,
    modelThreads: o.modelThreads as number | undefined,
    chatBatchWindowMs: o.chatBatchWindow as number,
    chatMaxBatch: o.chatMaxBatch as number,
    chatBodyLimit: o.chatBodyLimit as number,
    maxImagePixels: o.maxImagePixels as number,
    maxImageSide: o.maxImageSide as number,
    maxImageAspect: o.maxImageAspect as number,
    logger: !o.quiet,
    logRequests: Boolean(o.logRequests),
  });
  let closing = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (closing) process.exit(1); // a second signal means "now"
      closing = true;
      app.log.info(`${signal}: finishing in-flight requests and saving replays`);
      app.close().then(
        () => process.exit(0),
        (err: unknown) => {
          app.log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
  const address = await app.listen({ host: o.host as string, port: o.port as number });
  app.log.info(`docs at ${address}/docs, viewer at ${address}/viewer/`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
