/**
 * A reward worker thread (server/reward/pool.ts): grades each batch of tasks it is sent with the
 * grader module named in its workerData and posts the outcomes back in the same order. It says
 * 'ready' once the grader has loaded.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { guarded, type Grader, type GradeOutcome, type GradeSettings, type RewardTask } from './grade.js';

export interface WorkerData {
  /** URL of the grader module (its export `gradeOne`). */
  grader: string;
  settings: GradeSettings;
}

export interface WorkerRequest {
  id: number;
  tasks: RewardTask[];
}

export interface WorkerReply {
  id: number;
  outcomes: GradeOutcome[];
}

if (!parentPort) throw new Error('server/reward/worker.ts runs as a worker thread of the reward pool, not on its own');
const port = parentPort;
const { grader, settings } = workerData as WorkerData;
const gradeOne = guarded(((await import(grader)) as { gradeOne: Grader }).gradeOne);
port.on('message', (req: WorkerRequest) => {
  const reply: WorkerReply = { id: req.id, outcomes: req.tasks.map((t) => gradeOne(t, settings)) };
  port.postMessage(reply);
});
port.postMessage('ready');
