/** `--levels FILE`: a Boxoban level file as the `levels` option, instead of pasting it into `--options`. */
import { readFileSync } from 'node:fs';
import { userPath } from '../../envs/node/user-path.js';

/**
 * The env options with `levels` set from `file` (a path as the user typed it: relative to the
 * directory npm was run from, INIT_CWD, not the package root npm moves to). Giving `levels` both
 * ways is an error, not a silent choice.
 */
export function withLevelsFile(options: Record<string, unknown>, file: string | undefined): Record<string, never> {
  if (file === undefined) return options as Record<string, never>;
  if (Object.hasOwn(options, 'levels')) throw new Error('levels given twice: by --levels and inside --options; give one');
  const path = userPath(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`--levels ${file}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  // Record<string, never> is what the commands take for JSON options (see io.ts parseJsonObject).
  return { ...options, levels: text } as unknown as Record<string, never>;
}
