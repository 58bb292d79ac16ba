/**
 * The reward workers: a small pool of worker threads that grade /v1/reward samples off the
 * request thread, so that a 4,096-sample batch uses every core and the event loop stays free for
 * health checks and env steps.
 *
 * Work is a queue of pieces (contiguous runs of one request's samples); an idle worker takes its
 * fair share of what waits (at most `PIECE` samples), so a big batch is spread over all workers and
 * many concurrent single-sample requests (OpenRLHF 0.10+ sends one per sample) travel to a worker
 * together rather than one message each. Outcomes are written back at their sample's index, so
 * order is kept whatever worker finishes first.
 *
 * A worker that dies (an uncaught error, running out of its heap, `process.exit`) or overruns the
 * timeout fails only the requests it was grading, with an error naming the samples; it is
 * replaced when there is work again. Workers start on the first request that needs them (so a
 * test server that never grades pays nothing) or on `warm()` (the serve command, so the first
 * batch does not wait for them to load), and stop on `close()`.
 *
 * (A pool of our own rather than piscina: it is about 200 lines, and what it adds, pieces shared
 * across requests and per-request failure, would sit on top of piscina's tasks anyway.)
 */
import type { Worker } from 'node:worker_threads';
import { startTsWorker } from '../services/ts-worker.js';
import type { GradeOutcome, GradeSettings, RewardTask } from './grade.js';
import type { WorkerData, WorkerReply, WorkerRequest } from './worker.js';

/** Samples in one message to a worker: big enough that messaging costs little, small enough to balance. */
const PIECE = 256;

/** Old-generation heap of one worker: Node ends a worker past it, so a runaway formula costs that worker, not the server. */
const WORKER_HEAP_MB = 2048;

export class RewardWorkerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RewardWorkerError';
  }
}

interface Job {
  outcomes: GradeOutcome[];
  left: number;
  failed: boolean;
  resolve: (outcomes: GradeOutcome[]) => void;
  reject: (err: Error) => void;
}

interface Piece {
  job: Job;
  /** Index of the piece's first sample in its job. */
  start: number;
  tasks: RewardTask[];
}

interface Slot {
  worker: Worker;
  /** Set when the worker has loaded its grader (the timeout does not count its start). */
  ready: boolean;
  /** Settles when the worker is ready or gone. */
  started: Promise<void>;
  /** The message being graded, null when idle. */
  busy: { id: number; pieces: Piece[]; timer: NodeJS.Timeout } | null;
}

export interface RewardPoolOptions {
  size: number;
  settings: GradeSettings;
  /** URL of the grader module the workers load (its export `gradeOne`). */
  grader: string;
  /** A message not answered in this long has its worker terminated and replaced. */
  timeoutMs: number;
  /** Told of each worker that died or was terminated, with the reason. */
  onWorkerLost?: (reason: string) => void;
}

export class RewardPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Piece[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly opts: RewardPoolOptions) {
    if (!Number.isSafeInteger(opts.size) || opts.size < 1) throw new RangeError(`a reward pool needs at least one worker, got ${opts.size}`);
  }

  /** Grades `tasks`; outcomes in the same order. Rejects with a RewardWorkerError when a worker fails. */
  grade(tasks: RewardTask[]): Promise<GradeOutcome[]> {
    if (this.closed) return Promise.reject(new RewardWorkerError('the reward pool is closed (the server is shutting down)'));
    if (tasks.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const job: Job = { outcomes: new Array<GradeOutcome>(tasks.length), left: tasks.length, failed: false, resolve, reject };
      // Pieces small enough that a big batch reaches every worker several times over.
      const size = Math.max(1, Math.min(PIECE, Math.ceil(tasks.length / (this.opts.size * 4))));
      for (let start = 0; start < tasks.length; start += size) this.queue.push({ job, start, tasks: tasks.slice(start, start + size) });
      this.dispatch();
    });
  }

  /** Starts every worker now and resolves when all have loaded their grader (or failed to). */
  async warm(): Promise<void> {
    for (let n = this.slots.size; n < this.opts.size; n++) this.spawn();
    await Promise.all([...this.slots].map((slot) => slot.started));
  }

  /** Stops every worker; queued requests fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const piece of this.queue.splice(0)) this.fail(piece.job, 'the reward pool closed before these samples were graded');
    const exits = [...this.slots].map((slot) => {
      if (slot.busy) {
        clearTimeout(slot.busy.timer);
        for (const piece of slot.busy.pieces) this.fail(piece.job, 'the reward pool closed while these samples were being graded');
      }
      return slot.worker.terminate();
    });
    this.slots.clear();
    await Promise.all(exits);
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      // Workers start when there is work; theirs is sent when they say they are ready.
      for (let n = this.slots.size; n < this.opts.size; n++) this.spawn();
      const idle = [...this.slots].filter((s) => s.ready && s.busy === null);
      const free = idle.length + [...this.slots].filter((s) => !s.ready).length;
      const slot = idle[0];
      if (!slot) return;
      // A fair share of what waits for each worker free now, so one worker does not take it all.
      const waiting = this.queue.reduce((n, p) => n + p.tasks.length, 0);
      const share = Math.min(PIECE, Math.ceil(waiting / free));
      const pieces: Piece[] = [];
      let n = 0;
      while (this.queue.length > 0 && n < share) {
        const piece = this.queue.shift()!;
        if (piece.job.failed) continue; // another piece of its request already failed
        pieces.push(piece);
        n += piece.tasks.length;
      }
      if (pieces.length === 0) return;
      const id = this.nextId++;
      const timer = setTimeout(() => this.lose(slot, `it took over ${this.opts.timeoutMs / 1000} s on one message`, true), this.opts.timeoutMs);
      slot.busy = { id, pieces, timer };
      const req: WorkerRequest = { id, tasks: pieces.length === 1 ? pieces[0].tasks : pieces.flatMap((p) => p.tasks) };
      slot.worker.postMessage(req);
    }
  }

  private spawn(): Slot {
    const data: WorkerData = { grader: this.opts.grader, settings: this.opts.settings };
    const worker = startTsWorker(new URL('./worker.ts', import.meta.url), data, { maxOldGenerationSizeMb: WORKER_HEAP_MB });
    let started = (): void => {};
    const slot: Slot = { worker, ready: false, busy: null, started: new Promise((resolve) => (started = resolve)) };
    this.slots.add(slot);
    worker.on('message', (reply: WorkerReply | 'ready') => {
      if (reply !== 'ready') return this.settle(slot, reply);
      slot.ready = true;
      started();
      this.dispatch();
    });
    let reason = '';
    worker.on('error', (err) => (reason = `${err.name}: ${err.message}`));
    worker.on('exit', (code) => {
      started();
      this.lose(slot, reason || `it exited with code ${code}`, false);
    });
    return slot;
  }

  private settle(slot: Slot, reply: WorkerReply): void {
    const busy = slot.busy;
    if (!busy || busy.id !== reply.id) return; // an answer after a timeout: its requests have failed already
    clearTimeout(busy.timer);
    slot.busy = null;
    let at = 0;
    for (const piece of busy.pieces) {
      const { job } = piece;
      for (let k = 0; k < piece.tasks.length; k++) job.outcomes[piece.start + k] = reply.outcomes[at + k];
      at += piece.tasks.length;
      job.left -= piece.tasks.length;
      if (job.left === 0 && !job.failed) job.resolve(job.outcomes);
    }
    this.dispatch();
  }

  /** A worker is gone (or is made to go): its requests fail, and the work left goes to the others. */
  private lose(slot: Slot, reason: string, terminate: boolean): void {
    if (!this.slots.delete(slot)) return; // already handled (a terminate's own exit event)
    if (terminate) void slot.worker.terminate();
    if (slot.busy) {
      clearTimeout(slot.busy.timer);
      // One error per request, naming the run of its samples this message held.
      const runs = new Map<Job, [number, number]>();
      for (const { job, start, tasks } of slot.busy.pieces) {
        const run = runs.get(job);
        runs.set(job, [Math.min(run?.[0] ?? start, start), Math.max(run?.[1] ?? 0, start + tasks.length - 1)]);
      }
      for (const [job, [first, last]] of runs) {
        this.fail(job, `a reward worker failed while grading samples ${first}-${last} of this request: ${reason}; the worker is replaced`);
      }
    }
    if (!slot.ready) {
      // A worker that cannot start (its grader does not load) would fail again: the requests
      // waiting now fail with the reason, and the next request tries a new worker.
      for (const piece of this.queue.splice(0)) this.fail(piece.job, `a reward worker could not start: ${reason}`);
    }
    this.opts.onWorkerLost?.(reason);
    if (!this.closed) this.dispatch();
  }

  private fail(job: Job, message: string): void {
    if (job.failed) return;
    job.failed = true;
    job.reject(new RewardWorkerError(message));
  }
}
