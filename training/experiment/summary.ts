// What the experiment's outcomes say, as numbers: per arm and task the mean over seeds with a
// seed-and-item bootstrap CI and the per-seed values (greedy pass@1, pass@k, score), and the paired
// differences the claims rest on (the same held-out items under two arms, seed by seed).
import type { TaskResult } from '../eval/result.js';
import { mean, seedItemBootstrapCI, type Interval } from '../eval/stats.js';
import { ARMS, type ArmName } from './arms.js';
import type { ArmOutcome } from './runner.js';

export interface Cell extends Interval {
  perSeed: number[];
}

export interface Difference {
  /** `a` minus `b`. */
  a: ArmName;
  b: ArmName;
  task: string;
  success: Cell;
  /** Null where either arm lacks pass@k's per-item values (stored before they were kept) or the two used another k. */
  passAtK: Cell | null;
  score: Cell | null;
}

/** pass@k at temperature 1: the mean over seeds, per seed, and the CI where the items are kept. */
export interface PassAtK {
  k: number;
  mean: number;
  perSeed: number[];
  /**
   * The seed-and-item bootstrap CI, as pass@1's; null where a seed's stored result predates the
   * per-item values (`passAtKItems`): its mean is known, its spread over items is not.
   */
  ci: Interval | null;
}

export interface Summary {
  seeds: number[];
  arms: ArmName[];
  tasks: string[];
  success: Partial<Record<ArmName, Record<string, Cell>>>;
  passAtK: Partial<Record<ArmName, Record<string, PassAtK | null>>>;
  score: Partial<Record<ArmName, Record<string, Cell | null>>>;
  differences: Difference[];
  minutes: Partial<Record<ArmName, number[]>>;
}

/**
 * The comparisons reported: the paper's claim, the compute control, and each RL stage's own gain;
 * then the puzzles-only FRE against the FRE that saw text Sokoban and against frames RL alone, and
 * its own gain.
 */
export const COMPARISONS: readonly [ArmName, ArmName][] = [
  ['fre-mgt', 'direct'],
  ['fre-mgt', 'direct-long'],
  ['fre', 'sft'],
  ['direct', 'sft'],
  ['fre-mgt', 'sft'],
  ['fre-puzzles-mgt', 'fre-mgt'],
  ['fre-puzzles-mgt', 'direct'],
  ['fre-puzzles', 'sft'],
];

function cell(groups: number[][], seed: string): Cell {
  return { ...seedItemBootstrapCI(groups, { seed }), perSeed: groups.map(mean) };
}

/** A result's per-item pass@k, or null where it has none (episodes, k = 0, results stored before they were kept). */
function passAtKItems(r: TaskResult): number[] | null {
  return r.passAtK && r.passAtKItems?.length === r.items ? r.passAtKItems : null;
}

export function summarize(outcomes: readonly ArmOutcome[]): Summary {
  const seeds = [...new Set(outcomes.map((o) => o.seed))].sort((a, b) => a - b);
  // Only arms finished for every seed are compared: a half-run arm would mix seeds.
  const arms = ARMS.map((a) => a.name).filter((name) => seeds.every((s) => outcomes.some((o) => o.arm === name && o.seed === s)));
  const of = (arm: ArmName, seed: number): TaskResult[] => outcomes.find((o) => o.arm === arm && o.seed === seed)!.results;
  const tasks = arms.length ? of(arms[0], seeds[0]).map((r) => r.task) : [];
  const result = (arm: ArmName, seed: number, task: string): TaskResult => {
    const r = of(arm, seed).find((x) => x.task === task);
    if (!r) throw new Error(`arm ${arm}, seed ${seed} has no result for ${task}: were the arms evaluated on different suites?`);
    return r;
  };
  const success: Summary['success'] = {};
  const passAtK: Summary['passAtK'] = {};
  const score: Summary['score'] = {};
  const minutes: Summary['minutes'] = {};
  for (const arm of arms) {
    success[arm] = Object.fromEntries(tasks.map((t) => [t, cell(seeds.map((s) => result(arm, s, t).outcomes), `${arm}/${t}/success`)]));
    passAtK[arm] = Object.fromEntries(
      tasks.map((t) => {
        const per = seeds.map((s) => result(arm, s, t).passAtK);
        if (per.some((p) => p === null || p.k !== per[0]!.k)) return [t, null];
        const perSeed = per.map((p) => p!.value.mean);
        const items = seeds.map((s) => passAtKItems(result(arm, s, t)));
        const ci = items.every((g) => g !== null) ? seedItemBootstrapCI(items as number[][], { seed: `${arm}/${t}/pass@k` }) : null;
        return [t, { k: per[0]!.k, mean: mean(perSeed), perSeed, ci }];
      }),
    );
    score[arm] = Object.fromEntries(
      tasks.map((t) => {
        const groups = seeds.map((s) => result(arm, s, t).scores);
        return [t, groups.every((g) => g.length > 0) ? cell(groups, `${arm}/${t}/score`) : null];
      }),
    );
    minutes[arm] = seeds.map((s) => outcomes.find((o) => o.arm === arm && o.seed === s)!.minutes);
  }
  const differences: Difference[] = [];
  for (const [a, b] of COMPARISONS) {
    if (!arms.includes(a) || !arms.includes(b)) continue;
    for (const t of tasks) {
      const diff = (pick: (r: TaskResult) => number[]) =>
        seeds.map((s) => {
          const x = pick(result(a, s, t));
          const y = pick(result(b, s, t));
          if (x.length !== y.length) throw new Error(`${a} and ${b} (seed ${s}) evaluated ${t} on ${x.length} and ${y.length} items`);
          return x.map((v, i) => v - y[i]);
        });
      const sc = diff((r) => r.scores);
      // pass@k is paired only where both arms kept its items under the same k, in every seed.
      const pairedK = seeds.every((s) => {
        const x = result(a, s, t);
        const y = result(b, s, t);
        return passAtKItems(x) !== null && passAtKItems(y) !== null && x.passAtK!.k === y.passAtK!.k;
      });
      differences.push({
        a,
        b,
        task: t,
        success: cell(diff((r) => r.outcomes), `${a}-${b}/${t}/success`),
        passAtK: pairedK ? cell(diff((r) => passAtKItems(r)!), `${a}-${b}/${t}/pass@k`) : null,
        score: sc.every((g) => g.length > 0) ? cell(sc, `${a}-${b}/${t}/score`) : null,
      });
    }
  }
  return { seeds, arms, tasks, success, passAtK, score, differences, minutes };
}
