/**
 * Option reading for games: unknown keys and wrong types are errors that name the option, so a
 * typo in a config never silently falls back to a default.
 */
import type { BaseOptions } from './game.js';
import { EnvError, type JsonObject } from './types.js';

export class OptionReader {
  private readonly seen = new Set<string>();
  constructor(
    private readonly envName: string,
    private readonly options: JsonObject,
  ) {}

  int(key: string, fallback: number, min: number, max: number): number {
    this.seen.add(key);
    const v = this.options[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new EnvError(`${this.envName}: option ${key} must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
    }
    return v;
  }

  number(key: string, fallback: number, min: number, max: number): number {
    this.seen.add(key);
    const v = this.options[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      throw new EnvError(`${this.envName}: option ${key} must be a number in [${min}, ${max}], got ${JSON.stringify(v)}`);
    }
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    this.seen.add(key);
    const v = this.options[key] ?? fallback;
    if (typeof v !== 'boolean') throw new EnvError(`${this.envName}: option ${key} must be true or false, got ${JSON.stringify(v)}`);
    return v;
  }

  oneOf<T extends string>(key: string, fallback: T, allowed: readonly T[]): T {
    this.seen.add(key);
    const v = this.options[key] ?? fallback;
    if (typeof v !== 'string' || !allowed.includes(v as T)) {
      throw new EnvError(`${this.envName}: option ${key} must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
    }
    return v as T;
  }

  /** Any JSON value the game checks itself (e.g. a fixed level list). */
  raw(key: string): JsonObject[keyof JsonObject] | undefined {
    this.seen.add(key);
    return this.options[key];
  }

  /** The options every game has; `maxSteps` is the game's default step budget. */
  base(maxSteps: number, protocol: 'global' | 'online' = 'online'): BaseOptions {
    return {
      max_steps: this.int('max_steps', maxSteps, 1, 1_000_000),
      protocol: this.oneOf('protocol', protocol, ['global', 'online'] as const),
      max_actions_per_turn: this.int('max_actions_per_turn', 1, 1, 1000),
      max_global_actions: this.int('max_global_actions', 50, 1, 10_000),
    };
  }

  /** Call last: fails on any key no reader asked for. */
  done(): void {
    const unknown = Object.keys(this.options).filter((k) => !this.seen.has(k));
    if (unknown.length > 0) {
      throw new EnvError(`${this.envName}: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; known: ${[...this.seen].join(', ')}`);
    }
  }
}
