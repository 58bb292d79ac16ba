/**
 * The TinyLMM checkpoints the server serves by name (`--model NAME=DIR`), each with its own
 * batching queue. Loaded at start, so a bad directory fails the start, not the first request.
 */
import { resolve } from 'node:path';
import { loadModel, type TinyLMM } from '../../agent/model/index.js';
import { GenerationBatcher, type BatcherOptions } from './batcher.js';

export interface ServedModel {
  id: string;
  model: TinyLMM;
  batcher: GenerationBatcher;
  /** Unix seconds when it was loaded (OpenAI's `created`). */
  created: number;
  /** Identifies the weights in responses' `system_fingerprint`. */
  fingerprint: string;
}

export interface ModelRegistryOptions extends BatcherOptions {
  /** Intra-op threads of each model's sessions (default: ORT's, all cores). */
  threads?: number;
}

/** Model names as OpenAI clients send them: no spaces or slashes' surprises, bounded length. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export class ModelRegistry {
  private readonly models = new Map<string, ServedModel>();

  constructor(sources: Readonly<Record<string, string | TinyLMM>>, opts: ModelRegistryOptions) {
    const created = Math.floor(Date.now() / 1000);
    for (const [id, source] of Object.entries(sources)) {
      if (!NAME.test(id)) throw new Error(`model name "${id}" must be 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit`);
      let model: TinyLMM;
      try {
        model = typeof source === 'string' ? loadModel(resolve(source), { threads: opts.threads }) : source;
      } catch (e) {
        throw new Error(`model ${id}: cannot load checkpoint ${String(source)}: ${(e as Error).message}`);
      }
      const fingerprint = `tinylmm-${model.preset}-step${model.step}`;
      this.models.set(id, { id, model, batcher: new GenerationBatcher(model, opts), created, fingerprint });
    }
  }

  get(id: string): ServedModel | undefined {
    return this.models.get(id);
  }

  list(): ServedModel[] {
    return [...this.models.values()];
  }

  get size(): number {
    return this.models.size;
  }

  /** Refuses new work, lets running batches finish, frees the sessions. */
  async close(): Promise<void> {
    for (const m of this.models.values()) m.batcher.close();
    await Promise.all([...this.models.values()].map((m) => m.model.dispose()));
  }
}
