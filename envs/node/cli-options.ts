/** Small helpers shared by the command-line tools: option parsing, a closed output pipe. */
import { InvalidArgumentError } from 'commander';

/**
 * Numeric option values. Commander puts the flag in front of the message ("option '--threads <n>'
 * argument '0' is invalid. must be at least 1"). Only plain decimal numbers are read: `Number()`
 * alone takes "" and " " for 0, "0x10" for 16 and "Infinity" for a number, which would let an empty
 * or mistyped value through as something the user never wrote.
 */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function decimal(value: string, what: string): number {
  const n = DECIMAL.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`"${value}" is not ${what}`);
  return n;
}

/** Any integer ("-3", "0", "12", "1e3"). */
export function parseInteger(value: string): number {
  const n = decimal(value, 'an integer');
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`"${value}" is not an integer`);
  return n;
}

/** An integer from `min` to `max` (either end may be left open). */
export function integerIn(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = parseInteger(value);
    if (n < min || n > max) throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER ? `must be at least ${min}` : `must be an integer from ${min} to ${max}`);
    return n;
  };
}

/** A count that may be 0 (steps, samples, a seed). */
export const parseNonNegative = integerIn(0);

/** A count of at least 1 (threads, items, rows). */
export const parsePositive = integerIn(1);

/** Any finite number. */
export function parseNumber(value: string): number {
  return decimal(value, 'a number');
}

/** A finite number from `min` (or above it, with `above`) up to `max` included. */
export function numberIn(min: number, max = Infinity, opts: { above?: boolean } = {}): (value: string) => number {
  return (value) => {
    const n = parseNumber(value);
    if (n < min || (opts.above && n === min) || n > max) {
      throw new InvalidArgumentError(`must be ${opts.above ? 'above' : 'at least'} ${min}${max < Infinity ? ` and at most ${max}` : ''}`);
    }
    return n;
  };
}

/** A finite number above 0 (minutes, a learning rate, a scale). */
export const parsePositiveNumber = numberIn(0, Infinity, { above: true });

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
