/**
 * Worker threads whose entry is a TypeScript module (the reward graders, the chat image decoder).
 * The thread boots from a small CommonJS script that loads the entry, registering tsx's loader
 * first where the thread cannot load TypeScript: under vitest, and under `tsx` too as measured on
 * Node 20.20 (the loader the main thread registered does not reach a worker).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';

const BOOT = `
const { workerData } = require('node:worker_threads');
(async () => {
  try {
    await import(workerData.boot.probe);
  } catch (e) {
    if (!e || e.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw e;
    (await import(workerData.boot.tsx)).register();
  }
  await import(workerData.boot.entry);
})().catch((e) => { setImmediate(() => { throw e; }); });
`;

const PROBE = new URL('./ts-probe.ts', import.meta.url).href;
// tsx's ESM entry (its CommonJS one cannot register from a worker); `require.resolve` finds the
// CommonJS file beside it, and `import.meta.resolve` is not there under every runner.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;

/** The boot's own fields in `workerData`, beside the entry's. */
export interface WorkerBoot {
  boot: { probe: string; tsx: string; entry: string };
}

/** Starts a worker thread running `entry` (a TypeScript module's URL) with `data` as its workerData. */
export function startTsWorker(entry: URL, data: object, resourceLimits?: ResourceLimits): Worker {
  const workerData: WorkerBoot = { ...data, boot: { probe: PROBE, tsx: TSX, entry: entry.href } };
  return new Worker(BOOT, { eval: true, workerData, resourceLimits });
}
