/**
 * The live env instances of the server: creation within the instance limit, lookup, idle
 * eviction, and recording each episode so that it is saved as a replay when it ends. The step that
 * ends an episode hands back its save, and the routes answer after it: an episode whose end a client
 * was told of has its replay on disk, even if the process is killed right after the answer.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { make } from '../../envs/core/registry.js';
import { EnvError, type Action, type JsonObject, type Observation, type ResetResult, type StepResult } from '../../envs/core/types.js';
import { ReplayRecorder } from '../../envs/replay/recorder.js';
import type { Replay, ReplayAgent } from '../../envs/replay/schema.js';
import { badRequest, conflict, notFound, unavailable } from '../errors.js';

export interface Instance {
  readonly id: string;
  readonly env: ReplayRecorder;
  readonly createdAt: number;
  lastUsed: number;
  /** Idle time after which this instance is closed (the server's timeout or a shorter lease). */
  readonly idleMs: number;
  /** The latest observation (of the last reset or step; its views are drawn when read). */
  observation: Observation;
}

/** What a client may choose about a new instance. */
export interface CreateExtras {
  /** Its id (otherwise a random UUID); a conflict when one by that name is live. */
  id?: string;
  /** Idle lease in ms, capped at the server's idle timeout. */
  leaseMs?: number;
}

export interface PoolOptions {
  maxInstances: number;
  idleTimeoutMs: number;
  /** Replay record budget per episode (see RecorderOptions.maxBytes). */
  maxReplayBytes: number;
  /**
   * Called with each finished episode; the server saves it and returns the save, which the step's
   * answer waits for (a failed save is reported by the server, never to the stepping client).
   */
  onReplay: (replay: Replay) => Promise<unknown> | void;
  onEvict?: (count: number) => void;
}

/** A seed for a reset that names none: recorded episodes always start from a known seed. */
function freshSeed(): number {
  return randomBytes(4).readUInt32LE(0);
}

export class InstancePool {
  private readonly instances = new Map<string, Instance>();

  constructor(private readonly opts: PoolOptions) {}

  get size(): number {
    return this.instances.size;
  }

  get max(): number {
    return this.opts.maxInstances;
  }

  /** `where` names the request object in error messages (`body`, `body.items.3`). */
  create(envId: string, options: JsonObject, agent: ReplayAgent, seed?: number, where = 'body', extras: CreateExtras = {}): { instance: Instance; reset: ResetResult } {
    if (extras.id !== undefined && this.instances.has(extras.id)) {
      throw conflict(`${where}.instance_id: an instance "${extras.id}" is live; delete it or choose another id`);
    }
    if (this.instances.size >= this.opts.maxInstances) {
      this.evictIdle();
      if (this.instances.size >= this.opts.maxInstances) {
        throw unavailable(`instance limit ${this.opts.maxInstances} reached; delete instances or retry later`, 5);
      }
    }
    let env: ReplayRecorder;
    try {
      env = new ReplayRecorder(make(envId, options), { agent, maxBytes: this.opts.maxReplayBytes });
    } catch (e) {
      if (e instanceof EnvError) throw badRequest(`${where}.${/unknown env id/.test(e.message) ? 'env_id' : 'options'}: ${e.message}`);
      throw e;
    }
    const reset = env.reset({ seed: seed ?? freshSeed() });
    const now = Date.now();
    const idleMs = Math.min(this.opts.idleTimeoutMs, extras.leaseMs ?? Infinity);
    const instance: Instance = { id: extras.id ?? randomUUID(), env, createdAt: now, lastUsed: now, idleMs, observation: reset.observation };
    this.instances.set(instance.id, instance);
    return { instance, reset };
  }

  get(id: string): Instance {
    const instance = this.instances.get(id);
    if (!instance) throw notFound(`no instance "${id.slice(0, 64)}" (closed, evicted after idling, or never made)`);
    instance.lastUsed = Date.now();
    return instance;
  }

  reset(instance: Instance, seed?: number): ResetResult {
    const r = instance.env.reset({ seed: seed ?? freshSeed() });
    instance.observation = r.observation;
    return r;
  }

  /**
   * One turn. When it ends the episode, `saved` is the replay's save: answer the client after it
   * settles (it never rejects; null when nothing is saved).
   */
  step(instance: Instance, action: Action): { result: StepResult; saved: Promise<void> | null } {
    if (instance.env.episodeDone) throw conflict('the episode has ended; reset the instance before stepping');
    let result: StepResult;
    try {
      result = instance.env.step(action);
    } catch (e) {
      // Env misuse that slipped past our own checks is still the client's doing, never a 500.
      if (e instanceof EnvError) throw conflict(e.message);
      throw e;
    }
    instance.observation = result.observation;
    const replay = instance.env.episodeDone ? instance.env.lastReplay() : null;
    const save = replay ? this.opts.onReplay(replay) : undefined;
    return { result, saved: save ? save.then(() => undefined, () => undefined) : null };
  }

  delete(id: string): boolean {
    const instance = this.instances.get(id);
    if (!instance) return false;
    instance.env.close();
    return this.instances.delete(id);
  }

  /** Closes instances idle longer than the timeout; returns how many. */
  evictIdle(now = Date.now()): number {
    let count = 0;
    for (const [id, instance] of this.instances) {
      if (now - instance.lastUsed > instance.idleMs) {
        instance.env.close();
        this.instances.delete(id);
        count++;
      }
    }
    if (count > 0) this.opts.onEvict?.(count);
    return count;
  }

  closeAll(): void {
    for (const instance of this.instances.values()) instance.env.close();
    this.instances.clear();
  }
}
