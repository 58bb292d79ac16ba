/**
 * OpenRLHF sends each sample as `query`: the whole prompt and response with the chat template
 * applied. The response is the text after the last assistant header, without end tokens.
 */
import type { ChatTemplate } from '../options.js';

export function extractResponse(query: string, template: ChatTemplate): string {
  const at = query.lastIndexOf(template.assistantHeader);
  let response = at < 0 ? query : query.slice(at + template.assistantHeader.length);
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
