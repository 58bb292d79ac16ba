/**
 * Work over many items in one request (batch calls, reward batches) without stalling the server:
 * the loop yields to the event loop whenever a time slice has passed, so health checks and other
 * clients' steps are answered while a batch of costly resets or level generations runs.
 */

/** Longest stretch of one request's work between two yields, in milliseconds. */
const SLICE_MS = 10;

export async function mapYielding<T, R>(items: readonly T[], fn: (item: T, index: number) => R): Promise<R[]> {
  const out: R[] = [];
  let sliceStart = performance.now();
  for (let i = 0; i < items.length; i++) {
    if (performance.now() - sliceStart > SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
    out.push(fn(items[i], i));
  }
  return out;
}
