/**
 * `buildApp(opts)` assembles the server without listening (tests use `inject` or listen on port
 * 0; `server/main.ts` is the process that listens). Shared services are decorators; each group of
 * routes is a plugin with its schemas inline.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { ReplayStore } from '../envs/replay/store.js';
import { installAuth } from './auth.js';
import { installBodyDepthLimit } from './body-depth.js';
import { installErrorHandler } from './error-handler.js';
import { installJsonBodyParser } from './json-body.js';
import { resolveOptions, type ServerOptions } from './options.js';
import { ModelRegistry } from './chat/models.js';
import batchRoutes from './routes/batch.js';
import chatRoutes from './routes/chat.js';
import envRoutes from './routes/envs.js';
import healthRoutes from './routes/health.js';
import instanceRoutes from './routes/instances.js';
import openenvRoutes from './routes/openenv.js';
import orsRoutes from './routes/ors.js';
import replayRoutes from './routes/replays.js';
import rewardRoutes from './routes/reward.js';
import viewerRoutes from './routes/viewer.js';
import { InstancePool } from './services/instances.js';
import { Metrics } from './services/metrics.js';
import { ReplaySaves } from './services/replay-saves.js';
import './types.js';

/** How often idle instances are looked for, at most. */
const EVICT_EVERY_MS = 1000;

export async function buildApp(partial: Partial<ServerOptions> = {}): Promise<FastifyInstance> {
  const settings = resolveOptions(partial);
  const app = Fastify({
    logger: settings.logger,
    logController: new LogController({ disableRequestLogging: !settings.logRequests }),
    bodyLimit: settings.bodyLimit,
    // Bodies that try prototype pollution ("__proto__", "constructor.prototype") get a 400.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    ajv: {
      customOptions: {
        // No coercion: "3" is not an action index and true is not a seed. Unknown fields are
        // errors, not silently dropped, so a typo is reported. `verbose` lets errors quote the
        // schema's description.
        coerceTypes: false,
        removeAdditional: false,
        useDefaults: true,
        allErrors: false,
        verbose: true,
      },
      // String lengths in UTF-16 code units, as JavaScript and the replay schema (TypeBox) count
      // them, so a text the API takes fits its replay, emoji and all. Ajv still honours
      // `unicode: false` but warns when it is passed as an option; set here, it is silent.
      onCreate: (ajv) => {
        ajv.opts.unicode = false;
      },
    },
  });

  const metrics = new Metrics();
  const replays = settings.replayDir ? new ReplayStore(settings.replayDir) : null;
  const replaySaves = replays ? new ReplaySaves(replays, metrics, () => app.log) : null;
  if (replays) {
    // Temp files of saves a killed server left half-written; never those of a live writer.
    const removed = await replays.removeStaleTemporaries().catch((err: unknown) => {
      app.log.error(`cannot clean the replay directory: ${(err as Error).message}`);
      return [];
    });
    if (removed.length > 0) app.log.info({ dir: replays.dir, removed: removed.length }, `removed ${removed.length} temporary files of interrupted replay saves`);
  }
  const instances = new InstancePool({
    maxInstances: settings.maxInstances,
    idleTimeoutMs: settings.idleTimeoutMs,
    maxReplayBytes: settings.maxReplayBytes,
    onReplay: (replay) => {
      metrics.episodesTotal++;
      // The step that ended the episode is answered after this save (the store also tracks it, so
      // shutdown waits for it); a failure is counted, logged and reported by ReplaySaves.
      return replaySaves?.save(replay);
    },
    onEvict: (n) => (metrics.evictionsTotal += n),
  });
  const models = new ModelRegistry(settings.models, {
    threads: settings.modelThreads,
    windowMs: settings.chatBatchWindowMs,
    maxRows: settings.chatMaxBatch,
    maxQueuedRows: settings.chatMaxQueuedRows,
  });
  app.decorate('settings', settings);
  app.decorate('models', models);
  app.decorate('metrics', metrics);
  app.decorate('replays', replays);
  app.decorate('replaySaves', replaySaves);
  app.decorate('instances', instances);

  // Response schemas document the API (OpenAPI) but do not serialize it: bodies carry free-form
  // JSON (state, info) and long texts, where native JSON.stringify measured faster.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  // Every body is JSON: without Fastify's built-in text/plain parser, a text body is a 415 that says
  // to send JSON, not a 400 about the body's type.
  app.removeContentTypeParser('text/plain');
  installJsonBodyParser(app);
  installErrorHandler(app);
  if (settings.token) installAuth(app, settings.token);
  installBodyDepthLimit(app);
  // Callback-style hooks on the hot path: no promise per request.
  app.addHook('onResponse', (req, reply, done) => {
    metrics.request(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  // Graceful close: requests already running finish, and their keep-alive connections are closed
  // after the answer (otherwise the server would wait out the keep-alive timeout).
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });

  // Every second, because client leases (lease_s) can be far shorter than the idle timeout; one
  // pass over at most maxInstances entries costs microseconds.
  const timer = setInterval(() => instances.evictIdle(), EVICT_EVERY_MS);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    instances.closeAll();
    await Promise.all([replays?.flush(), models.close()]);
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'lmm-arena environment server',
        version: '1.0.0',
        description: 'Play the suite over HTTP: instances, batch calls, the OpenRLHF reward endpoint, replays, OpenAI-compatible chat completions.',
      },
      components: settings.token ? { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } } : undefined,
      security: settings.token ? [{ bearer: [] }] : undefined,
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes);
  await app.register(envRoutes);
  await app.register(instanceRoutes);
  await app.register(batchRoutes);
  await app.register(replayRoutes);
  await app.register(rewardRoutes);
  await app.register(viewerRoutes);
  await app.register(chatRoutes);
  await app.register(openenvRoutes);
  await app.register(orsRoutes);
  return app;
}
