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
  // Closes each row of an image's patch tokens (as Fuyu's image newline): an image of any shape is
  // laid out in the sequence row by row, and the graph reads its grid off the tokens.
  '<image_row>',
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
export const IMAGE_ROW = specialId('<image_row>');

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
  readonly imageRowId = IMAGE_ROW;
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
    const pushBytes = (from: number, to: number): void => {
      if (to > from) for (const b of this.encoder.encode(text.slice(from, to))) ids.push(b);
    };
    if (!(opts.allowSpecial ?? true)) {
      pushBytes(0, text.length);
      return ids;
    }
    // One left-to-right scan: at each position that can start a special token, try those tokens (in
    // SPECIAL_TOKENS order); the first position where one matches is the earliest occurrence, as a
    // search for each token from every match would find, without rescanning the rest of the text.
    let start = 0; // text[start..] not yet encoded
    for (let at = 0; at < text.length; ) {
      const hit = specialAt(text, at);
      if (hit < 0) {
        at++;
        continue;
      }
      pushBytes(start, at);
      ids.push(256 + hit);
      at += SPECIAL_TOKENS[hit].length;
      start = at;
    }
    pushBytes(start, text.length);
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

/** Special-token indices by the UTF-16 code unit they start with, in SPECIAL_TOKENS order. */
const BY_FIRST = new Map<number, number[]>();
SPECIAL_TOKENS.forEach((t, i) => {
  const c = t.charCodeAt(0);
  BY_FIRST.set(c, [...(BY_FIRST.get(c) ?? []), i]);
});

/** The index of the special token starting at `at`, or -1 (a check of at most the tokens' lengths). */
function specialAt(text: string, at: number): number {
  const candidates = BY_FIRST.get(text.charCodeAt(at));
  if (candidates) for (const i of candidates) if (text.startsWith(SPECIAL_TOKENS[i], at)) return i;
  return -1;
}
