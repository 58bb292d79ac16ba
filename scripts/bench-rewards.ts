/**
 * Time per graded answer, before and after the grader (envs/rewards/grading) replaced the
 * hand-written check, in the same process:
 *
 * - before: the hand-written path as it was, still in the code base (puzzle families use it):
 *   the `<answer>` block, its last `\boxed{}`, `answersEquivalent`;
 * - after: `accuracyReward` (grading/: units, shapes, exact rationals, the guarded library).
 *
 * Workloads: "typical", responses to generated arithmetic, linear and sequence items (numbers
 * and fractions, half of them wrong) graded against the gold text, as /v1/reward grades LMM-R1
 * labels; "corpus", every pair of the grading corpus (symbolic forms, sets, units...), once with
 * the library's cache emptied before each call and once warm (a batch grades 16 samples a gold).
 * Each figure is the median over answers of the time of one call (the mean of a few repeats).
 *
 *   npm run bench:rewards
 */
import os from 'node:os';
import { makeDataset } from '../envs/puzzles/index.js';
import { answersEquivalent } from '../envs/puzzles/math/equivalence.js';
import { extractLastBoxed } from '../envs/puzzles/math/latex.js';
import { lastTagBlock } from '../envs/puzzles/tags.js';
import { CORPUS_ROWS } from '../envs/rewards/grading/corpus.js';
import { accuracyReward } from '../envs/rewards/index.js';
import { computeEngineBackend, useCasBackend } from '../envs/rewards/grading/cas.js';

interface Case {
  response: string;
  gold: string;
}

/** The hand-written grading the grader replaced (training/rewards/accuracy.ts at commit a3baf1e), kept callable for comparison. */
function beforeAccuracy(response: string, gold: string): number {
  const block = lastTagBlock(response, 'answer');
  if (block === null) return 0;
  return answersEquivalent((extractLastBoxed(block) ?? block).trim(), gold) ? 1 : 0;
}

const afterAccuracy = (response: string, gold: string) => accuracyReward(response, gold).total;

const THINK = 'Let me work through this carefully, step by step, checking each value. '.repeat(3);
const respond = (answer: string) => `<think>${THINK}</think><answer>${answer}</answer>`;

function typicalCases(): Case[] {
  const cases: Case[] = [];
  for (const family of ['arithmetic', 'linear', 'sequence']) {
    for (const item of makeDataset(family, { size: 200, seed: 11 })) {
      cases.push({ response: respond(item.answer), gold: item.answer });
      cases.push({ response: respond(`\\boxed{${item.answer}1}`), gold: `$${item.answer}$` });
    }
  }
  return cases;
}

const corpusCases = (): Case[] => CORPUS_ROWS.map((r) => ({ response: respond(r.answer), gold: r.gold }));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

/** Microseconds of one call for each case: the mean of `repeats` calls, after `before` each. */
function perCase(cases: Case[], grade: (r: string, g: string) => number, repeats: number, before: () => void = () => {}): number[] {
  for (const c of cases) grade(c.response, c.gold); // warm-up: compile, and fill caches once
  return cases.map((c) => {
    let total = 0;
    for (let k = 0; k < repeats; k++) {
      before();
      const t0 = performance.now();
      grade(c.response, c.gold);
      total += performance.now() - t0;
    }
    return (total / repeats) * 1000;
  });
}

function row(name: string, times: number[]): string {
  return `| ${name} | ${times.length} | ${median(times).toFixed(1)} | ${quantile(times, 0.9).toFixed(1)} | ${Math.max(...times).toFixed(0)} |`;
}

function main(): void {
  const typical = typicalCases();
  const corpus = corpusCases();
  const right = (grade: (r: string, g: string) => number) => CORPUS_ROWS.filter((r, i) => (grade(corpus[i].response, corpus[i].gold) > 0) === r.equal).length;
  const emptyCache = () => useCasBackend(computeEngineBackend);
  const lines = [
    `machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}, load average ${os.loadavg()[0].toFixed(2)}`,
    '',
    '| grading, workload | answers | median µs | p90 µs | max µs |',
    '|---|---|---|---|---|',
    row('before, typical', perCase(typical, beforeAccuracy, 20)),
    row('after, typical', perCase(typical, afterAccuracy, 20)),
    row('before, corpus', perCase(corpus, beforeAccuracy, 5)),
    row('after, corpus, library cache warm', perCase(corpus, afterAccuracy, 5)),
    row('after, corpus, library cache emptied each call', perCase(corpus, afterAccuracy, 3, emptyCache)),
    '',
    `corpus verdicts right: before ${right(beforeAccuracy)} / ${CORPUS_ROWS.length}, after ${right(afterAccuracy)} / ${CORPUS_ROWS.length}`,
  ];
  console.log(lines.join('\n'));
}

main();
