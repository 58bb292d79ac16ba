/**
 * Calibration of the football scenarios: for each id, idle, random and heuristic agents over N
 * seeds (0 .. N-1), mean +- standard error of the episode score (accumulated reward x 20) and of
 * the goal rate, printed as a Markdown table (pasted into envs/football/README.md).
 *
 *   npx tsx scripts/football-calibrate.ts [--seeds 200] [--only 11v11]
 */
import { Command } from 'commander';
import { make } from '../envs/core/registry.js';
import { parsePositive } from '../envs/node/cli-options.js';
import { FOOTBALL_IDS } from '../envs/football/index.js';
import { type Agent, footballHeuristicAgent, idleAgent, randomAgent, rolloutEpisodeSync } from '../agent/agents/index.js';

interface Stat {
  mean: number;
  se: number;
}

function stat(xs: readonly number[]): Stat {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, se: Math.sqrt(variance / n) };
}

const fmt = (s: Stat, digits: number) => `${s.mean.toFixed(digits)} ± ${s.se.toFixed(digits)}`;

const program = new Command('football-calibrate')
  .description('Idle, random and heuristic agents on every football scenario: mean score and goal rate, as a Markdown table')
  .option('--seeds <n>', 'seeds per scenario and agent (0 .. n-1)', parsePositive, 200)
  .option('--only <text>', 'only the scenario ids containing this', '')
  .parse();
const { seeds, only } = program.opts<{ seeds: number; only: string }>();
const agents: Agent[] = [idleAgent(), randomAgent(19), footballHeuristicAgent()];
const ids = FOOTBALL_IDS.filter((id) => id.includes(only));
if (ids.length === 0) program.error(`error: --only ${only} matches no football id (${FOOTBALL_IDS.join(', ')})`);

const started = performance.now();
let steps = 0;
const lines = [
  `| Scenario | idle score | random score | heuristic score | idle goals | random goals | heuristic goals |`,
  `|---|---|---|---|---|---|---|`,
];
for (const id of ids) {
  const env = make(id);
  const scores: Stat[] = [];
  const goals: Stat[] = [];
  for (const agent of agents) {
    const s: number[] = [];
    const g: number[] = [];
    for (let seed = 0; seed < seeds; seed++) {
      const r = rolloutEpisodeSync(env, agent, seed);
      steps += r.length;
      s.push(r.score ?? 0);
      g.push(r.steps[r.steps.length - 1].info.goal === true ? 1 : 0);
    }
    scores.push(stat(s));
    goals.push(stat(g));
  }
  lines.push(`| \`${id}\` | ${scores.map((s) => fmt(s, 1)).join(' | ')} | ${goals.map((g) => fmt(g, 2)).join(' | ')} |`);
}
console.log(lines.join('\n'));
const seconds = (performance.now() - started) / 1000;
console.log(`\n${seeds} seeds per agent and scenario (seeds 0..${seeds - 1}); ${steps} steps in ${seconds.toFixed(1)} s (agents included).`);
