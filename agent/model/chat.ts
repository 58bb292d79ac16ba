// Chat template over OpenAI-style message lists, in the ChatML shape the Qwen-VL family uses:
//   <|im_start|>role\n ...content... <|im_end|>\n
// Image parts become one `<image>` placeholder each; the model expands a placeholder into one
// position per patch (see `expandImageTokens`). Images are returned in order beside the text.
//
// The messages' text is text: `encodeChat` gives it as its UTF-8 bytes, so `<|im_end|>` or
// `<answer>` written in a message is never a control token (a client cannot end a turn or forge
// one). Only the template places special tokens: its markers and an image part's `<image>`.
import type { ImageGrid, RGBAImage } from './image.js';
import { IMAGE, IMAGE_ROW, specialId, type SpecialToken, type Tokenizer } from './tokenizer.js';

export type Role = 'system' | 'user' | 'assistant';

export type ContentPart =
  | { type: 'text'; text: string }
  /** Pixels inline (what our environments produce). */
  | { type: 'image'; image: RGBAImage }
  /** OpenAI's shape; the URL is not fetched here, the caller resolves it into `images`. */
  | { type: 'image_url'; image_url: { url: string } };

export interface ChatMessage {
  role: Role;
  content: string | ContentPart[];
}

export interface TemplateOptions {
  /** End with an open assistant turn for the model to complete (default true). */
  addGenerationPrompt?: boolean;
}

export interface TemplatedChat {
  text: string;
  /** One entry per `<image>` placeholder, in order: inline pixels or the URL of an image_url part. */
  images: Array<RGBAImage | string>;
}

/** The template as pieces: its own special tokens, text (roles, newlines, the messages' text), and the images. */
type Piece = { special: SpecialToken } | { text: string } | { image: RGBAImage | string };

function templatePieces(messages: readonly ChatMessage[], opts: TemplateOptions): Piece[] {
  const pieces: Piece[] = [];
  for (const m of messages) {
    if (m.role !== 'system' && m.role !== 'user' && m.role !== 'assistant') throw new Error(`unknown chat role "${String(m.role)}"`);
    pieces.push({ special: '<|im_start|>' }, { text: `${m.role}\n` });
    const parts: ContentPart[] = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
    for (const p of parts) {
      if (p.type === 'text') pieces.push({ text: p.text });
      else if (p.type === 'image') pieces.push({ image: p.image });
      else if (p.type === 'image_url') pieces.push({ image: p.image_url.url });
      else throw new Error(`unknown content part type "${(p as { type: unknown }).type}"`);
    }
    pieces.push({ special: '<|im_end|>' }, { text: '\n' });
  }
  if (opts.addGenerationPrompt ?? true) pieces.push({ special: '<|im_start|>' }, { text: 'assistant\n' });
  return pieces;
}

/**
 * The chat as text, `<image>` where each image goes. For reading: tokenizing this text whole would
 * read special-token strings in the messages as control tokens; `encodeChat` is how a chat becomes ids.
 */
export function applyChatTemplate(messages: readonly ChatMessage[], opts: TemplateOptions = {}): TemplatedChat {
  const images: Array<RGBAImage | string> = [];
  let text = '';
  for (const p of templatePieces(messages, opts)) {
    if ('special' in p) text += p.special;
    else if ('text' in p) text += p.text;
    else {
      text += '<image>';
      images.push(p.image);
    }
  }
  return { text, images };
}

export interface EncodedChat {
  /** Token ids, one `<image>` per image part (not yet expanded). */
  ids: number[];
  images: Array<RGBAImage | string>;
}

/**
 * The chat as token ids: the template's markers and each image part's `<image>` as special tokens,
 * every message's text as its UTF-8 bytes (so each of its UTF-16 code units is at least one token).
 * For text without special-token strings, the same ids as tokenizing `applyChatTemplate`'s text.
 */
export function encodeChat(tokenizer: Tokenizer, messages: readonly ChatMessage[], opts: TemplateOptions = {}): EncodedChat {
  const ids: number[] = [];
  const images: Array<RGBAImage | string> = [];
  for (const p of templatePieces(messages, opts)) {
    if ('special' in p) ids.push(specialId(p.special));
    else if ('text' in p) for (const id of tokenizer.encode(p.text, { allowSpecial: false })) ids.push(id);
    else {
      ids.push(IMAGE);
      images.push(p.image);
    }
  }
  return { ids, images };
}

/**
 * Each `<image>` token becomes its image's tokens: `grid.rows` rows of `grid.cols` `<image>` tokens
 * (one a patch, row-major), each row closed by `<image_row>`. Only one image per sequence is
 * supported by the graphs (pixel_values holds one image per row).
 */
export function expandImageTokens(ids: readonly number[], grid: ImageGrid): number[] {
  const out: number[] = [];
  let seen = 0;
  for (const id of ids) {
    if (id !== IMAGE) {
      out.push(id);
      continue;
    }
    if (++seen > 1) throw new Error('only one <image> per sequence is supported (pixel_values holds one image per row)');
    for (let r = 0; r < grid.rows; r++) {
      for (let c = 0; c < grid.cols; c++) out.push(IMAGE);
      out.push(IMAGE_ROW);
    }
  }
  return out;
}
