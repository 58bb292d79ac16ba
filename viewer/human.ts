/**
 * Human play: a person plays a level with the keyboard (or the action buttons); the episode is
 * recorded like any other and, when it ends, saved as a replay with agent "human" (uploaded to the
 * server, or downloaded as a file when the page is a static build).
 */
import { GameEnv } from '../envs/core/game-env.js';
import { make } from '../envs/core/registry.js';
import type { Env } from '../envs/core/types.js';
import { actionForKey, keyBindings, keyHelp, keyLabel, type KeyBinding } from '../envs/core/keymap.js';
import type { Context2D } from '../envs/render/context.js';
import { ReplayRecorder } from '../envs/replay/recorder.js';
import type { Replay } from '../envs/replay/schema.js';
import { uploadReplay } from './api.js';
import { byId, fmt, h } from './dom.js';

function draw(env: Env, canvas: HTMLCanvasElement): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  if (env instanceof GameEnv) {
    env.drawFrame(ctx as unknown as Context2D);
  } else {
    const image = env.render('rgb');
    ctx.putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
  }
}

export class HumanGame {
  private recorder: ReplayRecorder | null = null;
  private bindings: KeyBinding[] = [];
  private total = 0;
  /** The last saved replay's id (or "download"), for the page and its tests. */
  savedId: string | null = null;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly online: () => boolean,
  ) {
    window.addEventListener('keydown', (e) => {
      if (!this.recorder || this.recorder.episodeDone) return;
      if ((e.target as HTMLElement | null)?.closest('input, select, textarea')) return;
      // The terminal's key map (envs/core/keymap.ts), so a level plays the same in both.
      const action = actionForKey(this.bindings, e.key);
      if (action === undefined) return;
      this.act(action);
      e.preventDefault();
    });
  }

  /** Whether a hand-played episode is in progress (the keyboard belongs to it). */
  get playing(): boolean {
    return this.recorder !== null && !this.recorder.episodeDone;
  }

  /** Leaves human play (e.g. when a replay is opened). */
  stop(): void {
    this.recorder = null;
    byId('human-actions').replaceChildren();
    byId('human-keys').textContent = '';
    this.status('');
  }

  start(envId: string, seed: number): void {
    const env = make(envId);
    this.recorder = new ReplayRecorder(env, { agent: { name: 'human', model: null }, onEpisodeEnd: (r) => void this.finish(r) });
    this.recorder.reset({ seed });
    this.bindings = keyBindings(env.spaces.action.type === 'discrete' ? (env.spaces.action.names ?? []) : []);
    this.total = 0;
    this.savedId = null;
    const image = env.spaces.observation.type === 'dict' ? env.spaces.observation.spaces.image : null;
    if (image?.type === 'image') {
      this.canvas.width = image.width;
      this.canvas.height = image.height;
    }
    byId('human-actions').replaceChildren(
      ...this.bindings.map((b) => h('button', { 'data-action': b.name, title: keyHelp([b]), onclick: () => this.act(b.action) }, b.keys.length > 0 ? `${b.name} (${keyLabel(b.keys[0])})` : b.name)),
    );
    byId('human-keys').textContent = `keys: ${keyHelp(this.bindings)}`;
    this.status(`playing ${envId}, seed ${seed}`);
    draw(env, this.canvas);
  }

  act(index: number): void {
    const rec = this.recorder;
    if (!rec || rec.episodeDone) return;
    const r = rec.step(index);
    this.total += r.reward;
    draw(rec.env, this.canvas);
    byId('frame-text').textContent = rec.env.render('text');
    if (!r.terminated && !r.truncated) {
      this.status(`turn ${rec.turns} · reward ${fmt(r.reward)} · return ${fmt(this.total)}`);
    }
  }

  private async finish(replay: Replay): Promise<void> {
    const end = `episode over: return ${fmt(replay.result.return)}, score ${fmt(replay.result.score)}, ${replay.result.success ? 'solved' : 'not solved'}`;
    if (this.online()) {
      try {
        const saved = await uploadReplay(replay);
        this.savedId = saved.id;
        this.status(`${end} · saved as replay ${saved.id}`);
        return;
      } catch (e) {
        this.status(`${end} · saving failed: ${(e as Error).message}; downloading instead`);
      }
    }
    const blob = new Blob([JSON.stringify(replay)], { type: 'application/json' });
    h('a', { href: URL.createObjectURL(blob), download: `human-${replay.env_id}-${replay.seed}.json` }).click();
    this.savedId = 'download';
    if (!this.online()) this.status(`${end} · downloaded as a file`);
  }

  private status(text: string): void {
    byId('human-status').textContent = text;
  }
}
