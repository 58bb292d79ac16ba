/**
 * The text of one choice as OpenAI returns it: decoded tokens without the end token, cut before
 * the first stop string (OpenAI leaves the stop sequence out; the sampler keeps it). For streams,
 * the part that is safe to send so far: text that could still turn into a stop string, and a
 * UTF-8 character whose bytes have not all arrived, are held back until they settle.
 */
import { EOS, IM_END, type Tokenizer } from '../../agent/model/index.js';

export class ChoiceText {
  private readonly tokens: number[] = [];
  private sent = '';
  private readonly holdBack: number;

  constructor(
    private readonly tokenizer: Tokenizer,
    private readonly stop: readonly string[],
  ) {
    this.holdBack = Math.max(0, ...stop.map((s) => s.length - 1));
  }

  get tokenCount(): number {
    return this.tokens.length;
  }

  push(token: number): void {
    this.tokens.push(token);
  }

  /** The whole text once the choice has ended. */
  final(): string {
    const last = this.tokens[this.tokens.length - 1];
    const shown = last === EOS || last === IM_END ? this.tokens.slice(0, -1) : this.tokens;
    return cutAtStop(this.tokenizer.decode(shown), this.stop);
  }

  /** What to send now: the settled text not sent yet ('' when nothing new settled). */
  delta(finished: boolean): string {
    let text: string;
    if (finished) text = this.final();
    else {
      const whole = this.tokenizer.decode(this.tokens);
      text = cutAtStop(whole, this.stop);
      if (text.length === whole.length) text = text.slice(0, Math.max(0, text.length - this.holdBack)); // no stop string yet
      text = text.replace(/\uFFFD+$/, ''); // a character still missing bytes
    }
    // Text only grows by appending; anything else (a decode that changed) waits for the end.
    if (!text.startsWith(this.sent) || text.length === this.sent.length) return '';
    const d = text.slice(this.sent.length);
    this.sent = text;
    return d;
  }
}

export function cutAtStop(text: string, stop: readonly string[]): string {
  let at = text.length;
  for (const s of stop) {
    const i = text.indexOf(s);
    if (i >= 0 && i < at) at = i;
  }
  return text.slice(0, at);
}
