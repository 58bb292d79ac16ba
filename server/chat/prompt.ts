/**
 * OpenAI chat messages to the model's own chat messages: roles mapped ("developer" is a system
 * message), text parts kept, `image_url` parts decoded into pixels. Every problem is a 400 that
 * names the message and part at fault.
 */
import type { ChatMessage, ContentPart, RGBAImage } from '../../agent/model/index.js';
import { invalid } from './openai-error.js';

export type OpenAIPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string; detail?: string } };

export interface OpenAIMessage {
  role: 'system' | 'developer' | 'user' | 'assistant';
  content?: string | OpenAIPart[] | null;
  name?: string;
}

export interface PromptLimits {
  /** Most images in one request (TinyLMM's graphs take one per row). */
  maxImages: number;
  /** An `image_url`'s pixels (off the request thread: ./image-decoder.ts); `param` names it in errors. */
  decodeImage: (url: string, param: string) => Promise<RGBAImage>;
}

/**
 * The characters (UTF-16 code units) of the messages' text. The model encodes message text as its
 * UTF-8 bytes (`encodeChat`), so each character is at least one prompt token: a request whose text
 * alone reaches the context can be refused before anything is decoded or tokenized.
 */
export function textLength(messages: readonly OpenAIMessage[]): number {
  let n = 0;
  for (const m of messages) {
    if (typeof m.content === 'string') n += m.content.length;
    else if (Array.isArray(m.content)) for (const p of m.content) if (p.type === 'text') n += p.text.length;
  }
  return n;
}

export async function toChatMessages(messages: readonly OpenAIMessage[], limits: PromptLimits): Promise<ChatMessage[]> {
  if (messages.length === 0) throw invalid('messages must hold at least one message', 'messages', 'invalid_value');
  let images = 0;
  // In order, one image at a time: the first problem found is the first in the messages, and no
  // image past the limit is decoded.
  const out: ChatMessage[] = [];
  for (const [i, m] of messages.entries()) {
    const role = m.role === 'developer' ? 'system' : m.role;
    if (m.content === undefined || m.content === null) {
      if (m.role !== 'assistant') throw invalid(`messages[${i}].content is required for a ${m.role} message`, `messages[${i}].content`, 'invalid_value');
      out.push({ role, content: '' });
      continue;
    }
    if (typeof m.content === 'string') {
      out.push({ role, content: m.content });
      continue;
    }
    const parts: ContentPart[] = [];
    for (const [j, p] of m.content.entries()) {
      if (p.type === 'text') {
        parts.push(p);
        continue;
      }
      const param = `messages[${i}].content[${j}].image_url.url`;
      if (limits.maxImages === 0) throw invalid(`${param}: this model has no vision tower; send text only`, param, 'too_many_images');
      if (++images > limits.maxImages) {
        throw invalid(
          `${param}: this model takes at most ${limits.maxImages} image${limits.maxImages === 1 ? '' : 's'} a request; send earlier turns' frames as text, or fewer of them`,
          param,
          'too_many_images',
        );
      }
      parts.push({ type: 'image', image: await limits.decodeImage(p.image_url.url, param) });
    }
    out.push({ role, content: parts });
  }
  return out;
}
