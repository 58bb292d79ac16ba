/**
 * Paths as the user typed them. `npm run` moves into the package root before running a script and
 * leaves the directory the user was in as INIT_CWD, so a relative path on a command line is resolved
 * from there; run directly (node, tsx) INIT_CWD is unset and the current directory is used.
 */
import { resolve } from 'node:path';

export function userPath(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}
