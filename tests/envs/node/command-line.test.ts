// The reproduce command printed in reports must paste back into a shell as the same arguments.
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { npmCommand, quoteArg } from '../../../envs/node/command-line.js';

/** The words bash makes of a command line (printed NUL-separated by printf). */
function bashWords(line: string): string[] {
  const out = execFileSync('bash', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('command lines in reports', () => {
  it('plain flags stay unquoted; no arguments, no "--"', () => {
    expect(npmCommand('train:agent', ['--out', 'runs/a', '--sft-steps', '1500'])).toBe('npm run train:agent -- --out runs/a --sft-steps 1500');
    expect(npmCommand('train:agent', [])).toBe('npm run train:agent');
  });

  it('any argument survives bash unchanged', () => {
    const arg = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }).filter((s) => !s.includes('\0'));
    fc.assert(
      fc.property(fc.array(arg, { minLength: 1, maxLength: 4 }), (args) => {
        expect(bashWords(args.map(quoteArg).join(' '))).toEqual(args);
      }),
      { numRuns: 60 },
    );
    expect(bashWords(quoteArg("a 2500-step warm start=runs/x's"))).toEqual(["a 2500-step warm start=runs/x's"]);
  });
});
