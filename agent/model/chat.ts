// Chat template over OpenAI-style message lists, in the ChatML shape the Qwen-VL family uses:
//   <|im_start|>role\n ...content... <|im_end|>\n
// Image parts become one `<image>` placeholder each; the model expands a placeholder into one
// position per patch (see `expandImageTokens`). Images are returned in order beside the text.
import type { RGBAImage } from './image.js';

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

export function applyChatTemplate(messages: readonly ChatMessage[], opts: TemplateOptions = {}): TemplatedChat {
  const images: Array<RGBAImage | string> = [];
  let text = '';
  for (const m of messages) {
    if (m.role !== 'system' && m.role !== 'user' && m.role !== 'assistant') throw new Error(`unknown chat role "${String(m.role)}"`);
    text += `<|im_start|>${m.role}\n`;
    const parts: ContentPart[] = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
    for (const p of parts) {
      if (p.type === 'text') text += p.text;
      else if (p.type === 'image') {
        text += '<image>';
        images.push(p.image);
      } else if (p.type === 'image_url') {
        text += '<image>';
        images.push(p.image_url.url);
      } else throw new Error(`unknown content part type "${(p as { type: unknown }).type}"`);
    }
    text += '<|im_end|>\n';
  }
  if (opts.addGenerationPrompt ?? true) text += '<|im_start|>assistant\n';
  return { text, images };
}

/**
 * Each `<image>` token becomes `perImage` consecutive `<image>` tokens, one per vision patch.
 * Only one image per sequence is supported by the graphs (pixel_values is [batch, 3, H, W]).
 */
export function expandImageTokens(ids: readonly number[], imageId: number, perImage: number): number[] {
  const out: number[] = [];
  let seen = 0;
  for (const id of ids) {
    if (id !== imageId) {
      out.push(id);
      continue;
    }
    if (++seen > 1) throw new Error('only one <image> per sequence is supported (pixel_values holds one image per row)');
    for (let i = 0; i < perImage; i++) out.push(imageId);
  }
  return out;
}
