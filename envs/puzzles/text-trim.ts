/**
 * Trimming a set of characters off the end of a string with a loop. A regex like /[.]+$/ looks
 * harmless but retries from every position of a long run that is not at the end ("....x"), which
 * is quadratic: 100 KB of dots took a minute.
 */
export function trimEndChars(text: string, chars: string): string {
  let end = text.length;
  while (end > 0 && chars.includes(text[end - 1])) end--;
  return end === text.length ? text : text.slice(0, end);
}
