// Checkpoints: a directory holding manifest.json (preset, resolved config, tokenizer, step, metrics,
// tensor list, file checksum) and model.safetensors. Saving is atomic: everything is written and
// fsynced into a sibling temporary directory, then swapped in by renames. If the process dies at any
// point, `dir` (or, inside the few microseconds of the swap, `dir.old`) still holds a whole checkpoint,
// and the loader knows to look there.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, fsyncSync, closeSync, writeSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, basename, join, resolve } from 'node:path';
import { parseConfig, type ModelConfig, type PresetName, isPresetName } from './config.js';
import { checkParams, type Params } from './params.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { Tokenizer, type TokenizerSpec } from './tokenizer.js';
import { ensureDir, fileError } from '../../envs/node/atomic-file.js';

export const CHECKPOINT_FORMAT = 'tinylmm-checkpoint';
export const CHECKPOINT_VERSION = 1;
const TENSOR_FILE = 'model.safetensors';
const STATE_FILE = 'state.safetensors';

export interface Manifest {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  preset: PresetName;
  config: ModelConfig;
  tokenizer: TokenizerSpec;
  step: number;
  metrics: Record<string, number>;
  tensors: Record<string, number[]>;
  files: Record<string, { bytes: number; sha256: string }>;
  savedAt: string;
}

export interface CheckpointData {
  preset: PresetName;
  config: ModelConfig;
  params: Params;
  step: number;
  metrics: Record<string, number>;
  /** Training state to resume from (optimizer moments, ...), saved beside the weights when given. */
  state?: Params;
}

function writeDurable(file: string, bytes: Buffer | string): void {
  const fd = openSync(file, 'w');
  try {
    const buf = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    fsyncSync(fd);
    closeSync(fd);
  } catch {
    // Some filesystems refuse fsync on directories; the renames are still atomic there.
  }
}

export function saveCheckpoint(dirIn: string, ck: CheckpointData): void {
  const dir = resolve(dirIn);
  checkParams(ck.config, ck.params, 'refusing to save');
  const parent = dirname(dir);
  ensureDir(parent); // not mkdirSync's recursive flag: it never returns under /proc on Node 20
  recoverInterruptedSwap(dir);
  refuseToReplaceOther(dir);
  removeDeadTemporaries(dir);
  const tmp = join(parent, `.${basename(dir)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(tmp);
  try {
    const files: Manifest['files'] = {};
    const put = (name: string, tensors: Params): void => {
      const bytes = encodeSafetensors(tensors, { format: 'pt' });
      writeDurable(join(tmp, name), bytes);
      files[name] = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
    };
    put(TENSOR_FILE, ck.params);
    if (ck.state) put(STATE_FILE, ck.state);
    const manifest: Manifest = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      preset: ck.preset,
      config: ck.config,
      tokenizer: new Tokenizer().spec(),
      step: ck.step,
      metrics: ck.metrics,
      tensors: Object.fromEntries([...ck.params].map(([n, t]) => [n, t.shape])),
      files,
      savedAt: new Date().toISOString(),
    };
    writeDurable(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    fsyncDir(tmp);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    // A write through a descriptor names no file ("ENOSPC: no space left on device, write").
    throw fileError(dir, e, 'cannot save the checkpoint');
  }
  // The swap: old -> dir.old, tmp -> dir, then drop dir.old. Only between the two renames is `dir`
  // absent, and then `dir.old` is whole; loadCheckpoint and the next save both handle that state.
  const old = `${dir}.old`;
  rmSync(old, { recursive: true, force: true });
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(tmp, dir);
  fsyncDir(parent);
  rmSync(old, { recursive: true, force: true });
}

/** Temporary directories of saves whose process died (killed mid-write) are garbage: drop them. */
function removeDeadTemporaries(dir: string): void {
  const prefix = `.${basename(dir)}.tmp-`;
  for (const name of readdirSync(dirname(dir))) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (pid === process.pid || !Number.isInteger(pid)) continue;
    try {
      process.kill(pid, 0); // still running: another process is saving there right now
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') rmSync(join(dirname(dir), name), { recursive: true, force: true });
    }
  }
}

/**
 * The swap replaces (and deletes) whatever `dir` held: refuse unless that is a checkpoint or an
 * empty directory, so that saving into a wrong path (a file, `runs/`, `.`) never deletes user data.
 */
function refuseToReplaceOther(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new Error(`refusing to save: ${dir} exists and is not a directory`);
  if (existsSync(join(dir, 'manifest.json')) || readdirSync(dir).length === 0) return;
  throw new Error(`refusing to save: ${dir} is a non-empty directory without manifest.json (not a checkpoint); saving replaces the whole directory`);
}

/** A save that died between its two renames left only `dir.old`: put it back. */
function recoverInterruptedSwap(dir: string): void {
  const old = `${dir}.old`;
  if (!existsSync(join(dir, 'manifest.json')) && existsSync(join(old, 'manifest.json'))) {
    rmSync(dir, { recursive: true, force: true });
    renameSync(old, dir);
  }
}

export function loadCheckpoint(dirIn: string): CheckpointData {
  const dir = resolve(dirIn);
  let where = dir;
  if (!existsSync(join(dir, 'manifest.json'))) {
    if (existsSync(join(`${dir}.old`, 'manifest.json'))) where = `${dir}.old`; // interrupted swap
    else throw new Error(`checkpoint ${dir}: no manifest.json (not a checkpoint directory, or never saved)`);
  }
  const what = `checkpoint ${where}`;
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readRegularFile(join(where, 'manifest.json')).toString('utf8')) as Manifest;
  } catch (e) {
    throw new Error(`${what}: manifest.json is corrupted (${(e as Error).message})`);
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
    throw new Error(`${what}: manifest.json is corrupted (not a JSON object)`);
  }
  if (manifest.format !== CHECKPOINT_FORMAT) throw new Error(`${what}: manifest format is ${String(manifest.format)}, expected ${CHECKPOINT_FORMAT}`);
  if (manifest.version !== CHECKPOINT_VERSION) throw new Error(`${what}: manifest version ${manifest.version} is not supported (expected ${CHECKPOINT_VERSION})`);
  if (!isPresetName(String(manifest.preset))) throw new Error(`${what}: unknown preset ${String(manifest.preset)}`);
  if (!Tokenizer.matches(manifest.tokenizer)) throw new Error(`${what}: tokenizer in manifest does not match this build's tokenizer${tokenizerDifference(manifest.tokenizer)}`);
  let config: ModelConfig;
  try {
    config = parseConfig(manifest.config);
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`);
  }
  const step = manifest.step ?? 0;
  if (!Number.isSafeInteger(step) || step < 0) throw new Error(`${what}: manifest step ${JSON.stringify(step)} is not a non-negative integer`);
  const metrics = manifest.metrics ?? {};
  // Values are numbers, or null where a NaN/Infinity metric went through JSON.
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) throw new Error(`${what}: manifest metrics must be an object`);
  const files = manifest.files ?? {};
  for (const [name, f] of Object.entries(files)) {
    if (typeof f !== 'object' || f === null || !Number.isSafeInteger(f.bytes) || typeof f.sha256 !== 'string') {
      throw new Error(`${what}: manifest entry files.${name} must be { bytes, sha256 }`);
    }
  }
  const tensors = readTensors(where, TENSOR_FILE, manifest, what, true)!;
  checkTensorTable(manifest.tensors, tensors, what);
  const state = readTensors(where, STATE_FILE, manifest, what, false);
  checkParams(config, tensors, what);
  return { preset: manifest.preset, config, params: tensors, step, metrics, state };
}

/**
 * The manifest's tensor table (name -> shape) against model.safetensors' own header: the same names
 * with the same shapes. The table is what tools read without opening the weights, so a table that
 * was edited, lost or written for other weights is an error naming the tensor, never ignored. (The
 * header's dtypes are checked by the safetensors reader: F32, named per tensor.)
 */
function checkTensorTable(table: unknown, tensors: Params, what: string): void {
  const fail = (m: string): never => {
    throw new Error(`${what}: ${m}`);
  };
  if (table === undefined || table === null) fail(`manifest.json has no tensor table ("tensors": each tensor of ${TENSOR_FILE} with its shape)`);
  if (typeof table !== 'object' || Array.isArray(table)) fail(`manifest tensors must be an object of tensor name -> shape, got ${JSON.stringify(table).slice(0, 60)}`);
  const listed = table as Record<string, unknown>;
  const problems: string[] = [];
  for (const [name, shape] of Object.entries(listed)) {
    const t = tensors.get(name);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) problems.push(`manifest tensors.${name} is not a shape: ${JSON.stringify(shape).slice(0, 60)}`);
    else if (!t) problems.push(`manifest lists tensor ${name} [${shape}], ${TENSOR_FILE} has no such tensor`);
    else if (shape.join(',') !== t.shape.join(',')) problems.push(`tensor ${name}: manifest says shape [${shape}], ${TENSOR_FILE} has [${t.shape}]`);
  }
  for (const [name, t] of tensors) if (!Object.hasOwn(listed, name)) problems.push(`${TENSOR_FILE} holds tensor ${name} [${t.shape}], missing from the manifest's tensor table`);
  if (problems.length) fail(`${problems.slice(0, 8).join('; ')}${problems.length > 8 ? ` (+${problems.length - 8} more)` : ''}`);
}

/** Reads a file, refusing anything but a regular file (a FIFO would block the read forever). */
function readRegularFile(path: string): Buffer {
  if (!statSync(path).isFile()) throw new Error(`${path} is not a regular file`);
  return readFileSync(path);
}

/** One tensor file of a checkpoint, checked against the manifest's size and checksum. */
function readTensors(where: string, file: string, manifest: Manifest, what: string, required: boolean): Params | undefined {
  const path = join(where, file);
  const expected = manifest.files?.[file];
  if (!existsSync(path)) {
    if (required || expected) throw new Error(`${what}: ${file} is missing`);
    return undefined;
  }
  let bytes: Buffer;
  try {
    bytes = readRegularFile(path);
  } catch (e) {
    throw new Error(`${what}: cannot read ${file} (${(e as Error).message})`);
  }
  if (expected) {
    if (bytes.length !== expected.bytes) throw new Error(`${what}: ${file} is truncated or padded (${bytes.length} bytes, manifest says ${expected.bytes})`);
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (sha !== expected.sha256) throw new Error(`${what}: ${file} is corrupted (sha256 ${sha.slice(0, 12)}..., manifest says ${expected.sha256.slice(0, 12)}...)`);
  }
  return decodeSafetensors(bytes, `${what}/${file}`).tensors;
}

/** What a manifest's tokenizer lacks or adds against this build's, for the refusal's message. */
function tokenizerDifference(spec: unknown): string {
  const theirs = (spec as { specialTokens?: unknown } | null)?.specialTokens;
  if (!Array.isArray(theirs)) return '';
  const ours = new Tokenizer().spec().specialTokens;
  const missing = ours.filter((t) => !theirs.includes(t));
  const extra = theirs.filter((t) => !ours.includes(String(t)));
  const parts = [missing.length ? `it lacks ${missing.join(' ')}` : '', extra.length ? `it has ${extra.join(' ')} this build does not` : ''].filter(Boolean);
  return parts.length ? ` (${parts.join('; ')}: a checkpoint from an older build; train a new one with this build)` : ' (the same special tokens in another order)';
}
