/**
 * `ReplayRecorder` wraps any Env and records each episode as a replay. It is itself an Env, so a
 * rollout loop records by wrapping, without other changes.
 *
 * A replay is rebuilt from its seed, so a recorded episode always starts from an explicit seed:
 * `reset()` without one draws the next seed deterministically from the previous one instead of
 * continuing the env's hidden stream.
 */
import { deriveSeed } from '../core/rng.js';
import type { Action, Env, EnvSpaces, EpisodeRecord, Info, JsonObject, RenderMode, ResetArgs, ResetResult, RgbaImage, StepResult } from '../core/types.js';
import { REPLAY_LIMITS, REPLAY_VERSION, type Replay, type ReplayAgent, type ReplayStep } from './schema.js';
import { resultOf, toReplayStep } from './steps.js';

export interface RecorderOptions {
  agent: ReplayAgent;
  /** Called with each finished episode's replay. */
  onEpisodeEnd?: (replay: Replay) => void;
  /** Clock for `created_at` (tests fix it). */
  now?: () => Date;
  /**
   * Rough size budget of one episode's record (texts dominate); past it the episode is played on
   * but not recorded, so a client cannot grow a server's memory without bound. Default 16 MiB.
   */
  maxBytes?: number;
}

/** Bytes a step costs in memory besides its text, roughly. */
const STEP_OVERHEAD_BYTES = 256;

export class ReplayRecorder implements Env {
  private seed: number | null = null;
  private episodes = 0;
  private steps: ReplayStep[] = [];
  private done = false;
  private last: Replay | null = null;
  /** Set when an episode outgrows its budget: it is played on but not recorded. */
  private overflow = false;
  private bytes = 0;
  /** The options that rebuild the current episode (the env's own, or smaller: see Env.episodeRecord). */
  private record: EpisodeRecord | null = null;

  constructor(
    readonly env: Env,
    private readonly opts: RecorderOptions,
  ) {}

  get id(): string {
    return this.env.id;
  }
  get options(): JsonObject {
    return this.env.options;
  }
  get spaces(): EnvSpaces {
    return this.env.spaces;
  }
  /** The seed of the current episode (null before the first reset). */
  get currentSeed(): number | null {
    return this.seed;
  }
  /** Whether the current episode has ended. */
  get episodeDone(): boolean {
    return this.done;
  }
  /** Turns played in the current episode. */
  get turns(): number {
    return this.steps.length;
  }

  reset(args: ResetArgs = {}): ResetResult {
    const seed = args.seed ?? (this.seed === null ? 0 : deriveSeed(this.seed, ++this.episodes));
    const result = this.env.reset({ ...args, seed });
    this.seed = seed;
    this.record = this.env.episodeRecord?.() ?? null;
    this.steps = [];
    this.done = false;
    this.overflow = false;
    this.bytes = 0;
    return result;
  }

  step(action: Action): StepResult {
    const result = this.env.step(action);
    if (!this.overflow) {
      const step = toReplayStep(action, result, this.env);
      this.bytes += STEP_OVERHEAD_BYTES + (step.text?.length ?? 0) * 2;
      if (this.steps.length >= REPLAY_LIMITS.steps || this.bytes > (this.opts.maxBytes ?? 16 << 20)) {
        this.overflow = true;
        this.steps = []; // the record is dropped now, not at the episode's end
      } else {
        this.steps.push(step);
      }
    }
    if (result.terminated || result.truncated) {
      this.done = true;
      this.last = this.overflow ? null : this.build(result.info);
      if (this.last) this.opts.onEpisodeEnd?.(this.last);
    }
    return result;
  }

  /** The replay of the last finished episode, or null. */
  lastReplay(): Replay | null {
    return this.last;
  }

  render(mode: 'rgb'): RgbaImage;
  render(mode: 'png'): Uint8Array;
  render(mode: 'text'): string;
  render(mode: RenderMode): RgbaImage | Uint8Array | string;
  render(mode: RenderMode): RgbaImage | Uint8Array | string {
    return this.env.render(mode);
  }

  close(): void {
    this.env.close();
  }

  episodeRecord(): EpisodeRecord {
    return this.record ?? this.env.episodeRecord?.() ?? { options: this.env.options };
  }

  private build(lastInfo: Info): Replay {
    const agent: ReplayAgent = { name: this.opts.agent.name, model: this.opts.agent.model ?? null };
    if (this.opts.agent.config) agent.config = this.opts.agent.config;
    return {
      version: REPLAY_VERSION,
      env_id: this.env.id,
      options: this.record?.options ?? this.env.options,
      ...(this.record?.source ? { source: this.record.source } : {}),
      seed: this.seed ?? 0,
      agent,
      created_at: (this.opts.now?.() ?? new Date()).toISOString(),
      steps: this.steps,
      result: resultOf(this.steps, lastInfo),
    };
  }
}
