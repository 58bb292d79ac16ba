/** The registry of environments: games join it with `register`, users reach them with `make`. */
import { EnvError, type Env, type JsonObject } from './types.js';

export interface EnvSpec {
  id: string;
  /** One line on what the env is. */
  description: string;
  /** The options this id fixes or defaults (merged under the caller's). */
  defaults: JsonObject;
  /**
   * Builds an instance from the merged options. `given` are the caller's own options, before the
   * id's defaults were merged under them: a game may drop a default that a given option makes
   * meaningless (Sokoban's room size beside a fixed level set).
   */
  create: (options: JsonObject, given: JsonObject) => Env;
}

const specs = new Map<string, EnvSpec>();

export function register(spec: EnvSpec): void {
  if (specs.has(spec.id)) throw new EnvError(`env id "${spec.id}" is already registered`);
  specs.set(spec.id, spec);
}

export function make(id: string, options: JsonObject = {}): Env {
  const spec = specs.get(id);
  if (!spec) {
    const known = [...specs.keys()].join(', ');
    throw new EnvError(`unknown env id "${id}"; registered ids: ${known || '(none)'}`);
  }
  return spec.create({ ...spec.defaults, ...options }, options);
}

export function listEnvs(): EnvSpec[] {
  return [...specs.values()];
}

export function envSpec(id: string): EnvSpec | undefined {
  return specs.get(id);
}
