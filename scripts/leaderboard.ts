/**
 * `npm run leaderboard -- --agents idle,random,oracle [--suite default|quick] [--levels FILE] [--out DIR]`
 *
 * Plays every episode of a fixed benchmark suite (assets/benchmarks/) for each agent, saves and
 * verifies a replay per episode, and writes leaderboard.md, leaderboard.json and leaderboard.html
 * under --out. Resumable: episodes with a record in --out are not played again (but are verified).
 */
import { Command } from 'commander';
import { runLeaderboard } from '../training/eval/leaderboard/runner.js';
import { toMarkdown } from '../training/eval/leaderboard/report.js';

const program = new Command()
  .name('leaderboard')
  .description('Benchmark agents on a fixed suite; writes leaderboard.{md,json,html} with a verified replay per episode.')
  .requiredOption('--agents <list>', 'comma-separated: idle, random, oracle, tinylmm:DIR[?temperature=0&top_p=1&max_tokens=224&seed=0&view=text], openai:MODEL@BASE_URL[?stream=1&temperature=&top_p=&max_tokens=&seed=&concurrency=4&history=4&prompt=chat|tinylmm] (prompt=tinylmm: a served TinyLMM checkpoint\'s own text prompt)')
  .option('--suite <name>', 'a suite in assets/benchmarks/ (default, quick)', 'default')
  .option('--quick', 'shorthand for --suite quick (seconds; what CI runs)')
  .option('--levels <file>', 'also play every level of this Boxoban file (global protocol)')
  .option('--only <text>', 'play only the entries whose id contains this (e.g. --only sokoban, --only football-empty-goal)')
  .option('--out <dir>', 'output directory (replays, records, reports); re-running resumes it', 'runs/leaderboard')
  .option('--viewer <url>', 'the viewer that replay links open (the env server serves it at /viewer/)', '/viewer/')
  .action(async (opts: { agents: string; suite: string; quick?: boolean; levels?: string; only?: string; out: string; viewer: string }) => {
    const agents = opts.agents.split(',').map((a) => a.trim()).filter(Boolean);
    if (agents.length === 0) throw new Error('--agents: name at least one agent');
    const result = await runLeaderboard({
      agents,
      suite: opts.quick ? 'quick' : opts.suite,
      levels: opts.levels,
      only: opts.only,
      out: opts.out,
      viewer: opts.viewer,
      log: (line) => console.log(line),
    });
    console.log('');
    console.log(toMarkdown(result.meta, result.rows));
    console.log(`${result.played} episodes played, ${result.resumed} resumed, in ${result.meta.seconds.toFixed(1)} s; wrote ${opts.out}/leaderboard.{md,json,html}`);
  });

program.parseAsync().catch((e: unknown) => {
  console.error(`leaderboard: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
