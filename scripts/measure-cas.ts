/**
 * How the computer-algebra library was chosen: the two candidates (@cortex-js/compute-engine and
 * mathjs) behind the same grader and guard, measured on the grading corpus. For each: how many corpus verdicts the whole
 * grader gets right with it, and the time of one uncached library call on the formulas that reach
 * it. mathjs reads no LaTeX, so it gets a small translation (below); compute-engine reads it as it
 * is. mathjs is not a dependency: `npm install --no-save mathjs@15.2.0` first.
 *
 *   npx tsx scripts/measure-cas.ts
 */
import { CORPUS_ROWS } from '../envs/rewards/grading/corpus.js';
import { answersMatch } from '../envs/rewards/grading/grade.js';
import { computeEngineBackend, SAMPLE_POINTS, sampleValue, useCasBackend, type CasBackend, type Complex, type Fingerprint } from '../envs/rewards/grading/cas.js';

/** The part of mathjs used here (it is imported by name at run time, so it has no types). */
interface MathNode {
  type: string;
  name?: string;
  filter(test: (node: MathNode, path: string, parent: MathNode | null) => boolean): MathNode[];
  compile(): { evaluate(scope: Record<string, number>): unknown };
}
interface MathJs {
  parse(text: string): MathNode;
}

/** \frac, \sqrt, |.|, commands and braces as mathjs syntax; arguments by brace matching. */
function latexToMathjs(latex: string): string {
  const names: Record<string, string> = {
    pi: 'pi', infty: 'Infinity', cdot: '*', times: '*', div: '/', ln: 'log', log: 'log10', exp: 'exp',
    sin: 'sin', cos: 'cos', tan: 'tan', sec: 'sec', csc: 'csc', cot: 'cot', arcsin: 'asin', arccos: 'acos', arctan: 'atan',
  };
  let i = 0;
  const arg = (): string => {
    while (latex[i] === ' ') i++;
    if (latex[i] === '{') {
      i++;
      const inner = group('}');
      i++;
      return inner;
    }
    return latex[i++] ?? '';
  };
  const group = (end: string): string => {
    let out = '';
    let bars = 0;
    while (i < latex.length && latex[i] !== end) {
      const c = latex[i];
      if (c === '\\') {
        const name = /^[a-zA-Z]+/.exec(latex.slice(i + 1))?.[0] ?? '';
        i += 1 + name.length;
        if (name === 'frac' || name === 'dfrac' || name === 'tfrac') {
          const a = arg();
          const b = arg();
          out += `((${a})/(${b}))`;
        } else if (name === 'sqrt') {
          let n: string | null = null;
          if (latex[i] === '[') {
            i++;
            n = group(']');
            i++;
          }
          const a = arg();
          out += n === null ? `sqrt(${a})` : `nthRoot(${a}, ${n})`;
        } else {
          out += ` ${names[name] ?? name} `;
        }
      } else if (c === '{') {
        i++;
        out += `(${group('}')})`;
        i++;
      } else if (c === '|') {
        out += bars++ % 2 === 0 ? 'abs(' : ')';
        i++;
      } else {
        out += c;
        i++;
      }
    }
    return out;
  };
  return group('\u0000');
}

function mathjsBackend(math: MathJs): CasBackend {
  return {
    name: 'mathjs',
    values(latex: string, sample: (v: string, p: number) => number, points: number): Fingerprint {
      const node = math.parse(latexToMathjs(latex));
      const constants = new Set(['pi', 'e', 'i', 'Infinity']);
      const vars = [
        ...new Set(
          node
            .filter((n, path, parent) => n.type === 'SymbolNode' && !(parent?.type === 'FunctionNode' && path === 'fn'))
            .map((n) => n.name as string)
            .filter((n) => !constants.has(n)),
        ),
      ];
      const code = node.compile();
      const out: Complex[] = [];
      for (let p = 0; p < (vars.length === 0 ? 1 : points); p++) {
        const v = code.evaluate(Object.fromEntries(vars.map((name) => [name, sample(name, p)])));
        if (typeof v === 'number') out.push([v, 0]);
        else if (v !== null && typeof v === 'object' && 're' in v && 'im' in v) out.push([Number(v.re), Number(v.im)]);
        else return null;
        if (Number.isNaN(out[out.length - 1][0])) return null;
      }
      return out;
    },
  };
}

/** Records the formulas a backend is asked about, so that they can be timed afterwards. */
function recording(b: CasBackend, seen: Set<string>): CasBackend {
  return { name: b.name, values: (latex, sample, points) => (seen.add(latex), b.values(latex, sample, points)) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const spec = 'mathjs';
  let math: MathJs;
  try {
    math = (await import(spec)) as MathJs;
  } catch {
    console.error('mathjs is not installed: npm install --no-save mathjs@15.2.0');
    process.exit(1);
  }
  const rows: string[] = [];
  for (const candidate of [computeEngineBackend, mathjsBackend(math)]) {
    const seen = new Set<string>();
    useCasBackend(recording(candidate, seen));
    const wrong = CORPUS_ROWS.filter((r) => answersMatch(r.answer, r.gold) !== r.equal);
    // Time each recorded formula uncached: median over 5 rounds of each formula's call.
    const perCall: number[] = [];
    for (const latex of seen) {
      const times: number[] = [];
      for (let round = 0; round < 5; round++) {
        const t0 = performance.now();
        try {
          candidate.values(latex, sampleValue, SAMPLE_POINTS);
        } catch {
          // counted: a throw is the library's answer for that formula
        }
        times.push((performance.now() - t0) * 1000);
      }
      perCall.push(median(times));
    }
    rows.push(
      `| ${candidate.name} | ${CORPUS_ROWS.length - wrong.length} / ${CORPUS_ROWS.length} | ${seen.size} | ${median(perCall).toFixed(0)} µs | ${(perCall.reduce((a, b) => a + b, 0) / perCall.length).toFixed(0)} µs |`,
    );
    for (const r of wrong) console.log(`  ${candidate.name} misses ${r.cls}: ${JSON.stringify(r.answer)} vs ${JSON.stringify(r.gold)} (should be ${r.equal})`);
  }
  useCasBackend(computeEngineBackend);
  console.log('| library | corpus verdicts right | formulas reaching it | median per call | mean per call |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}

await main();
