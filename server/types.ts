/** The app's shared services, as typed Fastify decorators. */
import type { ReplayStore } from '../envs/replay/store.js';
import type { ModelRegistry } from './chat/models.js';
import type { ServerOptions } from './options.js';
import type { InstancePool } from './services/instances.js';
import type { Metrics } from './services/metrics.js';
import type { ReplaySaves } from './services/replay-saves.js';

declare module 'fastify' {
  interface FastifyInstance {
    instances: InstancePool;
    /** Null when the server runs without a replay directory. */
    replays: ReplayStore | null;
    /** Every save into `replays`: failures are counted, logged and reported in /v1/health. */
    replaySaves: ReplaySaves | null;
    metrics: Metrics;
    /** The models served at /v1/chat/completions (empty without --model). */
    models: ModelRegistry;
    settings: ServerOptions;
  }
}

export {};
