/**
 * Writing a file so that a reader (or a crash) never sees half of it: a temporary file beside the
 * target, synced to disk, then renamed over it; a failed write removes the temporary file. Node-only:
 * the replay store, the puzzle JSONL writer, the ONNX export and the CLIs share it.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

const tempOf = (path: string) => `${path}.tmp-${process.pid}`;
const codeOf = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/**
 * `mkdir -p`, one level at a time. Node 20's `mkdirSync(p, { recursive: true })` never returns for a
 * path under /proc (it spins at 100% CPU and ignores SIGTERM), so the recursive flag is not used:
 * walk up to the nearest existing ancestor, check it is a directory, then create each level below.
 */
export function ensureDir(dirIn: string): void {
  const dir = resolve(dirIn);
  const missing: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    let isDir: boolean;
    try {
      isDir = statSync(d).isDirectory();
    } catch (e) {
      // ENOTDIR: a file further up; the walk reaches it and says so.
      if ((codeOf(e) !== 'ENOENT' && codeOf(e) !== 'ENOTDIR') || dirname(d) === d) throw new Error(`cannot create directory ${dir}: ${d} (${codeOf(e)})`);
      missing.push(d);
      continue;
    }
    if (!isDir) throw new Error(`cannot create directory ${dir}: ${d} is not a directory`);
    break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      // Another process may have made it meanwhile; anything else is the user's to fix.
      if (codeOf(e) === 'EEXIST' && statSync(d).isDirectory()) continue;
      throw new Error(`cannot create directory ${d} (${codeOf(e)})`);
    }
  }
}

/** A target that is an existing directory: the rename would fail with a bare EISDIR. */
function refuseDirectory(path: string): void {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    return; // absent (or unreadable: the write below says so)
  }
  if (isDir) throw new Error(`cannot write ${path}: it is a directory (name a file inside it)`);
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  refuseDirectory(path);
  ensureDir(dirname(path));
  const tmp = tempOf(path);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      // On disk before the rename: after a power cut the name holds the whole file or the old one.
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export async function writeFileAtomicAsync(path: string, data: string | Uint8Array): Promise<void> {
  // The checks and mkdirs are a few stat calls, not worth an async walk.
  refuseDirectory(path);
  ensureDir(dirname(path));
  const tmp = tempOf(path);
  try {
    const file = await open(tmp, 'w');
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
