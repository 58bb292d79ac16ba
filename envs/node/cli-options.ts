/** Small helpers shared by the command-line tools: option parsing, a closed output pipe. */
import { InvalidArgumentError } from 'commander';

export function parseInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`"${value}" is not an integer`);
  return n;
}

export function parsePositive(value: string): number {
  const n = parseInteger(value);
  if (n < 1) throw new InvalidArgumentError(`"${value}" must be at least 1`);
  return n;
}

/** Parses `--options '{"max_steps": 50}'`. */
export function parseJsonObject(value: string): Record<string, never> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (e) {
    throw new InvalidArgumentError(`not JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidArgumentError('expected a JSON object');
  return parsed as Record<string, never>;
}

/**
 * Ends the process quietly when stdout's reader goes away (`env list | head`): the reader has what
 * it wanted, so a closed pipe is no error to report, and without this Node throws EPIPE at the next
 * write with a stack trace.
 */
export function exitOnClosedStdout(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}
