/**
 * The numeric option parsers every command line uses (envs/node/cli-options.ts): a value that is
 * not what the flag takes (0 threads, a negative count, 1.5 steps, NaN, an empty or hex string) is
 * refused, never read as something else; and every CLI's numeric options go through them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { integerIn, numberIn, parseInteger, parseNonNegative, parseNumber, parsePositive, parsePositiveNumber } from '../../../envs/node/cli-options.js';

const accepts = (parse: (v: string) => number, values: Record<string, number>) => {
  for (const [text, n] of Object.entries(values)) expect(parse(text), text).toBe(n);
};
const refuses = (parse: (v: string) => number, values: string[]) => {
  for (const text of values) expect(() => parse(text), text).toThrow();
};

// Strings Number() reads as a number although nobody wrote one: '' and ' ' (0), hex, Infinity.
const NOT_NUMBERS = ['', ' ', 'abc', 'NaN', 'Infinity', '-Infinity', '0x10', '0b1', '1_000', '1e400', '2 3', '--1'];

describe('numeric option parsers', () => {
  it('integers: decimal only, whole, safe', () => {
    accepts(parseInteger, { '0': 0, '-3': -3, '+7': 7, '12': 12, '1e3': 1000, '2.0': 2 });
    refuses(parseInteger, [...NOT_NUMBERS, '1.5', '-0.5', '9007199254740993']);
  });

  it('counts: 0 allowed for parseNonNegative, never for parsePositive; neither takes a negative', () => {
    accepts(parseNonNegative, { '0': 0, '5': 5 });
    refuses(parseNonNegative, [...NOT_NUMBERS, '-1', '1.5']);
    accepts(parsePositive, { '1': 1, '64': 64 });
    refuses(parsePositive, [...NOT_NUMBERS, '0', '-1', '0.5', '2.5']);
    expect(() => parsePositive('0')).toThrow(/must be at least 1/);
  });

  it('ranges name their ends', () => {
    accepts(integerIn(1, 16), { '1': 1, '16': 16 });
    expect(() => integerIn(1, 16)('17')).toThrow(/must be an integer from 1 to 16/);
    expect(() => integerIn(1, 5)('0')).toThrow(/from 1 to 5/);
    accepts(numberIn(0, 1, { above: true }), { '1': 1, '0.5': 0.5, '.9': 0.9 });
    expect(() => numberIn(0, 1, { above: true })('0')).toThrow(/must be above 0 and at most 1/);
    expect(() => numberIn(0)('-1')).toThrow(/must be at least 0$/);
  });

  it('numbers: finite decimals; positive ones above 0', () => {
    accepts(parseNumber, { '-1.5': -1.5, '0': 0, '1e-3': 0.001, '.5': 0.5, '5.': 5 });
    refuses(parseNumber, NOT_NUMBERS);
    accepts(parsePositiveNumber, { '0.001': 0.001, '3': 3 });
    refuses(parsePositiveNumber, [...NOT_NUMBERS, '0', '-0', '-2']);
  });
});

/** Every command-line entry point: scripts/ and the three CLIs of the lower floors. */
const CLIS = [...readdirSync('scripts').filter((f) => f.endsWith('.ts')).map((f) => `scripts/${f}`), 'training/cli.ts', 'training/eval/cli.ts', 'agent/cli.ts'];

/** Placeholders that name a number in an option's flags ("--threads <n>", "--lr <x>", "--duration <s>"). */
const NUMERIC = /^<(?:n|x|s|t|p|d|k|ms|seconds|bytes|rows)>$/;
const PARSERS = /\b(?:parseInteger|parseNonNegative|parsePositive|parseNumber|parsePositiveNumber|integerIn|numberIn)\b/;

/** The source of each `.option(...)`/`.requiredOption(...)` call, by matching its parentheses. */
function optionCalls(source: string): { flags: string; text: string }[] {
  const calls: { flags: string; text: string }[] = [];
  for (const m of source.matchAll(/\.(?:option|requiredOption)\(\s*(['"`])([^'"`]*)\1/g)) {
    let depth = 0;
    let end = m.index + m[0].indexOf('(');
    for (; end < source.length; end++) {
      if (source[end] === '(') depth++;
      else if (source[end] === ')' && --depth === 0) break;
    }
    calls.push({ flags: m[2], text: source.slice(m.index, end + 1) });
  }
  return calls;
}

describe('every CLI reads its numeric options through the shared parsers', () => {
  it('no numeric option without one of them (so 0 threads, -1 steps or NaN are refused naming the flag)', () => {
    const unparsed: string[] = [];
    let numeric = 0;
    for (const file of CLIS) {
      for (const { flags, text } of optionCalls(readFileSync(file, 'utf8'))) {
        const value = flags.split(/[\s,]+/).find((p) => p.startsWith('<'));
        if (!value || !NUMERIC.test(value)) continue;
        numeric++;
        if (!PARSERS.test(text)) unparsed.push(`${file}: ${flags}`);
      }
    }
    expect(unparsed).toEqual([]);
    expect(numeric).toBeGreaterThan(40);
  });

  it('no CLI reads options off process.argv by hand (where nothing checks the value)', () => {
    const byHand = CLIS.filter((f) => /process\.argv\.indexOf/.test(readFileSync(f, 'utf8')));
    // football-assets reads one path (--out), no number.
    expect(byHand).toEqual(['scripts/football-assets.ts']);
  });
});
