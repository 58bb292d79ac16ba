/**
 * OpenRLHF sends each sample as `query`: the whole prompt and response with the chat template
 * applied. The response is the text after the last assistant header, without end tokens.
 *
 * When the sample's templated prompt comes along (OpenRLHF's `prompts`, ending in the assistant
 * header), the response is what follows that prompt instead: a model that writes an assistant
 * header of its own would otherwise have everything before it left ungraded.
 */
import type { ChatTemplate } from '../options.js';

/** Where the response starts in `query`. */
function responseStart(query: string, template: ChatTemplate, prompt: string | undefined): number {
  const header = template.assistantHeader;
  if (prompt && prompt.trimEnd().endsWith(header.trimEnd())) {
    // The first occurrence: the prompt comes before the response (left padding may precede it).
    const at = query.indexOf(prompt);
    if (at >= 0) return at + prompt.length;
  }
  const at = query.lastIndexOf(header);
  return at < 0 ? 0 : at + header.length;
}

export function extractResponse(query: string, template: ChatTemplate, prompt?: string): string {
  let response = query.slice(responseStart(query, template, prompt));
  // End tokens may repeat (padding), so strip until none is left at the end.
  for (let again = true; again; ) {
    again = false;
    response = response.trimEnd();
    for (const token of template.endTokens) {
      if (token && response.endsWith(token)) {
        response = response.slice(0, -token.length);
        again = true;
      }
    }
  }
  return response;
}
