/**
 * Finding `<tag>...</tag>` blocks with plain index scans: linear time on any input, where a lazy
 * regex over many unclosed tags would go quadratic on a 100 KB response.
 */

/** The content of the last complete `<tag>...</tag>` block (case-sensitive), or null. */
export function lastTagBlock(text: string, tag: string): string | null {
  const open = `<${tag}>`;
  const close = `</${tag}>`;
  const end = text.lastIndexOf(close);
  if (end < 0) return null;
  const start = text.lastIndexOf(open, end - open.length);
  return start < 0 ? null : text.slice(start + open.length, end);
}

/** How many times `needle` occurs in `text` (non-overlapping). */
export function countOccurrences(text: string, needle: string): number {
  let n = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) n++;
  return n;
}
