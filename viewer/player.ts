/**
 * Playback of a timeline: the frame on the canvas, play / pause / step / scrub / speed, and beside
 * it the turn's reasoning and answer, step reward, running return, validity and verification.
 */
import { byId, fmt, h } from './dom.js';
import { formatPlan } from '../envs/core/human-format.js';
import { splitResponse } from './reasoning.js';
import type { Timeline } from './timeline.js';

/** Frames a second at speed 1. */
const BASE_FPS = 2;

export class Player {
  private timeline: Timeline | null = null;
  private index = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly canvas: HTMLCanvasElement) {
    byId('play').addEventListener('click', () => this.toggle());
    byId('prev').addEventListener('click', () => this.show(this.index - 1));
    byId('next').addEventListener('click', () => this.show(this.index + 1));
    byId('first').addEventListener('click', () => this.show(0));
    byId('last').addEventListener('click', () => this.show(Number.MAX_SAFE_INTEGER));
    byId<HTMLInputElement>('scrub').addEventListener('input', (e) => this.show(Number((e.target as HTMLInputElement).value)));
    byId<HTMLSelectElement>('speed').addEventListener('change', () => this.timer && (this.pause(), this.play()));
  }

  get current(): number {
    return this.index;
  }

  get length(): number {
    return this.timeline?.frames.length ?? 0;
  }

  /** Forgets the replay (human play takes the canvas): its title, result and playback go too. */
  unload(): void {
    this.pause();
    this.timeline = null;
    document.body.classList.remove('has-replay');
    byId('replay-title').textContent = 'human play';
    for (const id of ['result', 'verification', 'flags', 'parsed', 'reasoning', 'answer', 'info', 'turn']) byId(id).textContent = '';
    byId('reward').textContent = '-';
    byId('running').textContent = '-';
  }

  toggle(): void {
    if (this.timer) this.pause();
    else this.play();
  }

  load(timeline: Timeline): void {
    this.pause();
    this.timeline = timeline;
    // Shows the playback controls and hides the empty state (style.css).
    document.body.classList.add('has-replay');
    document.body.classList.remove('human');
    const { replay, verification } = timeline;
    this.canvas.width = timeline.width;
    this.canvas.height = timeline.height;
    const scrub = byId<HTMLInputElement>('scrub');
    scrub.max = String(timeline.frames.length - 1);
    byId('replay-title').textContent =
      `${replay.env_id} · seed ${replay.seed} · ${replay.agent.name}${replay.agent.model ? ` (${replay.agent.model})` : ''}`;
    byId('result').textContent =
      `score ${fmt(replay.result.score)} · return ${fmt(replay.result.return)} · ${replay.result.length} steps · ${replay.result.success ? 'success' : 'no success'}`;
    const v = byId('verification');
    v.textContent = verification.ok ? `verified: ${verification.steps_checked} turns re-simulated, same rewards and score` : `NOT verified: ${verification.message}`;
    v.className = verification.ok ? 'ok' : 'bad';
    this.show(0);
  }

  show(i: number): void {
    const t = this.timeline;
    if (!t) return;
    this.index = Math.max(0, Math.min(t.frames.length - 1, i));
    const frame = t.frames[this.index];
    const ctx = this.canvas.getContext('2d');
    if (ctx) frame.draw(ctx);
    byId<HTMLInputElement>('scrub').value = String(this.index);
    byId('turn').textContent = `turn ${this.index} / ${t.frames.length - 1}`;
    const step = frame.step;
    const { reasoning, answer } = splitResponse(step?.text ?? null);
    byId('reasoning').textContent = step ? reasoning || '(none)' : '(initial frame)';
    byId('answer').textContent = step ? (step.text === null ? JSON.stringify(step.action) : answer || '(none)') : '';
    byId('parsed').textContent = step ? formatPlan(step.parsed_actions) || '(no moves)' : '';
    byId('reward').textContent = step ? fmt(step.reward) : '-';
    byId('running').textContent = fmt(frame.running);
    const flags = byId('flags');
    flags.replaceChildren();
    if (step) {
      flags.append(h('span', { class: step.valid ? 'ok' : 'bad' }, step.valid ? 'valid' : 'invalid'));
      const invalid = step.info.invalid_actions;
      if (Array.isArray(invalid) && invalid.length > 0) flags.append(h('span', { class: 'bad' }, `unknown: ${invalid.join(', ')}`));
      if (step.terminated) flags.append(h('span', {}, 'terminated'));
      if (step.truncated) flags.append(h('span', {}, 'truncated'));
      if (typeof step.info.score === 'number') flags.append(h('span', {}, `score ${fmt(step.info.score)}`));
    }
    byId('frame-text').textContent = frame.text;
    byId('info').textContent = step ? JSON.stringify(step.info, null, 1) : '';
    if (this.index === t.frames.length - 1) this.pause();
  }

  play(): void {
    if (!this.timeline || this.timer) return;
    if (this.index >= this.timeline.frames.length - 1) this.show(0);
    const speed = Number(byId<HTMLSelectElement>('speed').value) || 1;
    this.timer = setInterval(() => this.show(this.index + 1), 1000 / (BASE_FPS * speed));
    byId('play').textContent = '❙❙ pause';
  }

  pause(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    byId('play').textContent = '▶ play';
  }
}
