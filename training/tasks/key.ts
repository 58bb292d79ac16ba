// Content keys: two items with the same content (level, numbers) share a key whatever their seeds,
// so training sets can exclude every held-out item by content, not only by seed.
import { createHash } from 'node:crypto';

export function contentKey(task: string, content: string): string {
  return `${task}:${createHash('sha256').update(content).digest('hex').slice(0, 16)}`;
}
