/** Node-only file IO for LMM-R1 JSONL (kept out of the browser-safe index). */
import { readFile } from 'node:fs/promises';
import { writeFileAtomicAsync } from '../node/atomic-file.js';
import { fromLmmR1Jsonl, LmmR1FormatError, toLmmR1Jsonl, type LmmR1Record, type ToJsonlOptions } from './lmmr1.js';
import type { PuzzleItem } from './types.js';

/** Reads a JSONL file; format errors name the file and the line. */
export async function readLmmR1File(path: string): Promise<LmmR1Record[]> {
  const text = await readFile(path, 'utf8');
  try {
    return fromLmmR1Jsonl(text);
  } catch (e) {
    if (e instanceof LmmR1FormatError) throw new LmmR1FormatError(e.line, e.detail, path);
    throw e;
  }
}

/** Writes items as JSONL, atomically (a temporary file renamed into place). */
export async function writeLmmR1File(path: string, items: readonly PuzzleItem[], options?: ToJsonlOptions): Promise<void> {
  await writeFileAtomicAsync(path, toLmmR1Jsonl(items, options));
}
