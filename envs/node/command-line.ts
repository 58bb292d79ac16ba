// The command line that reproduces a run, as a person would paste it into a shell: arguments with
// spaces or shell characters are single-quoted.
const PLAIN = /^[\w@%+=:,./-]+$/;

export function quoteArg(a: string): string {
  return PLAIN.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

/** `npm run <script> -- <args>`, or without the `--` when there are none. */
export function npmCommand(script: string, args: readonly string[]): string {
  return `npm run ${script}${args.length ? ` -- ${args.map(quoteArg).join(' ')}` : ''}`;
}

/** `NAME=VALUE` of a repeatable flag (the name holds no "="), or an error naming the flag and the shape. */
export function flagPair(flag: string, value: string, shape: string): [string, string] {
  const m = /^([^=]+)=(.+)$/.exec(value);
  if (!m) throw new Error(`${flag}: expected ${shape}, got "${value}"`);
  return [m[1], m[2]];
}
