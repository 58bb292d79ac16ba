/**
 * Imported first by each worker thread the server starts (./ts-worker.ts): where the thread cannot
 * load TypeScript (no loader has been registered in it), the import fails here, on a file of no
 * consequence, and the worker registers tsx's loader before loading the real entry.
 */
export const loaded = true;
