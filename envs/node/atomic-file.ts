/**
 * Writing a file so that a reader (or a crash) never sees half of it: a temporary file beside the
 * target, synced to disk, then renamed over it; a failed write removes the temporary file. Node-only:
 * the replay store, the puzzle JSONL writer, the ONNX export and the CLIs share it.
 */
import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

const tempOf = (path: string) => `${path}.tmp-${process.pid}`;
/** A temporary file's name: the target's, then `.tmp-` and the writer's process id. */
const TEMP_NAME = /\.tmp-([0-9]+)$/;
const codeOf = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/**
 * `e` as an error whose message names `path`. Node's errors from a write through a descriptor name
 * no file ("ENOSPC: no space left on device, write"), which on a full disk leaves the user guessing
 * which of a run's files failed. The code (`ENOSPC`, `EACCES`, ...) and the original error (`cause`)
 * are kept, so callers can still tell a full disk from other failures.
 */
export function fileError(path: string, e: unknown, doing = 'cannot write'): Error {
  const original = e instanceof Error ? e : new Error(String(e));
  const err = new Error(`${doing} ${path}: ${original.message}`, { cause: original }) as NodeJS.ErrnoException;
  const code = (original as NodeJS.ErrnoException).code;
  if (code !== undefined) err.code = code;
  err.path = path;
  return err;
}

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
    throw fileError(path, e);
  }
}

/** `appendFileSync` whose errors name the file (a full disk otherwise says only "ENOSPC ..., write"). */
export function appendFileNamed(path: string, data: string): void {
  try {
    appendFileSync(path, data);
  } catch (e) {
    throw fileError(path, e);
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
    throw fileError(path, e);
  }
}

/**
 * Removes the temporary files that writers killed mid-write (kill -9, a power cut) left in `dir`,
 * and returns their names. A temporary file is left alone while its writer may still be running:
 * only those whose process id names no live process go, and those of this process's id that are
 * older than this process (an earlier process that had the same id). Another live process's
 * temporary file is never touched.
 */
export async function removeStaleTemporaries(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if (codeOf(e) === 'ENOENT') return [];
    throw fileError(dir, e, 'cannot list');
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) continue;
    if (pid === process.pid ? info.mtimeMs >= performance.timeOrigin : processAlive(pid)) continue;
    await rm(path, { force: true });
    removed.push(name);
  }
  return removed;
}

function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return codeOf(e) !== 'ESRCH'; // EPERM: alive, another user's
  }
}
