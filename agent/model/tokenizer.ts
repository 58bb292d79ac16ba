// Byte-level tokenizer with a handful of special tokens. Bytes 0..255 are their own ids, so any text
// round-trips and nothing needs training; special tokens follow at 256.. and are recognised in text
// (encode("<answer>4</answer>") gives one id per tag), unless `allowSpecial: false`.

export const SPECIAL_TOKENS = [
  '<|im_start|>',
  '<|im_end|>',
  '<image>',
  '<think>',
  '</think>',
  '<answer>',
  '</answer>',
  '<|pad|>',
  '<|endoftext|>',
] as const;
export type SpecialToken = (typeof SPECIAL_TOKENS)[number];

export const VOCAB_SIZE = 256 + SPECIAL_TOKENS.length;

export function specialId(token: SpecialToken): number {
  return 256 + SPECIAL_TOKENS.indexOf(token);
}

export const IM_START = specialId('<|im_start|>');
export const IM_END = specialId('<|im_end|>');
export const IMAGE = specialId('<image>');
export const PAD = specialId('<|pad|>');
export const EOS = specialId('<|endoftext|>');

/** What a checkpoint's manifest records about the tokenizer, so a loader can refuse a mismatch. */
export interface TokenizerSpec {
  type: 'byte';
  specialTokens: string[];
}

export interface EncodeOptions {
  /** Recognise special-token strings in the text (default true). */
  allowSpecial?: boolean;
}

export interface DecodeOptions {
  /** Drop special tokens from the output text (default false). */
  skipSpecial?: boolean;
}

export class Tokenizer {
  readonly vocabSize = VOCAB_SIZE;
  readonly padId = PAD;
  readonly eosId = EOS;
  readonly imageId = IMAGE;
  readonly imStartId = IM_START;
  readonly imEndId = IM_END;
  private readonly encoder = new TextEncoder();

  spec(): TokenizerSpec {
    return { type: 'byte', specialTokens: [...SPECIAL_TOKENS] };
  }

  /** Same vocabulary as `spec`? Used when loading checkpoints. */
  static matches(spec: unknown): boolean {
    const s = spec as Partial<TokenizerSpec> | null;
    return (
      !!s && s.type === 'byte' && Array.isArray(s.specialTokens) && s.specialTokens.join('\u0000') === SPECIAL_TOKENS.join('\u0000')
    );
  }

  encode(text: string, opts: EncodeOptions = {}): number[] {
    const ids: number[] = [];
    const allowSpecial = opts.allowSpecial ?? true;
    let start = 0;
    while (start < text.length) {
      const hit = allowSpecial ? nextSpecial(text, start) : null;
      const end = hit ? hit.at : text.length;
      for (const b of this.encoder.encode(text.slice(start, end))) ids.push(b);
      if (!hit) break;
      ids.push(256 + hit.index);
      start = hit.at + SPECIAL_TOKENS[hit.index].length;
    }
    return ids;
  }

  decode(ids: readonly number[], opts: DecodeOptions = {}): string {
    let out = '';
    let bytes: number[] = [];
    const flush = (): void => {
      // A fresh decoder per run of bytes: a split UTF-8 sequence becomes U+FFFD, never an exception.
      if (bytes.length) out += new TextDecoder('utf-8').decode(Uint8Array.from(bytes));
      bytes = [];
    };
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0 || id >= VOCAB_SIZE) throw new Error(`token id ${id} is outside the vocabulary [0, ${VOCAB_SIZE})`);
      if (id < 256) {
        bytes.push(id);
        continue;
      }
      flush();
      if (!opts.skipSpecial) out += SPECIAL_TOKENS[id - 256];
    }
    flush();
    return out;
  }

  /** The text of one token (special tokens by name, bytes possibly partial UTF-8). */
  tokenText(id: number): string {
    return this.decode([id]);
  }
}

/** The earliest special token occurring at or after `from`. */
function nextSpecial(text: string, from: number): { at: number; index: number } | null {
  let best: { at: number; index: number } | null = null;
  for (let i = 0; i < SPECIAL_TOKENS.length; i++) {
    const at = text.indexOf(SPECIAL_TOKENS[i], from);
    if (at >= 0 && (!best || at < best.at)) best = { at, index: i };
  }
  return best;
}
