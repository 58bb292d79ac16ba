/**
 * `npm run env -- <command>`: list, play, render, solve, rollout and dataset, over the registry.
 */
import { Command } from 'commander';
import { listEnvs, make } from '../envs/index.js';
import { AGENT_NAMES } from './cli/agents.js';
import { datasetCommand, parseFormat, rolloutCommand, solveCommand, type RolloutArgs, type SolveArgs } from './cli/commands.js';
import { writeFileAtomic } from '../envs/node/atomic-file.js';
import { userPath } from '../envs/node/user-path.js';
import { parseInteger, parseJsonObject, parsePositive } from './cli/io.js';
import { withLevelsFile } from './cli/levels.js';
import { playInTerminal } from './cli/play.js';

const program = new Command('env')
  .description('Environments of the suite: list them, play them, render frames, solve levels, write datasets')
  .showHelpAfterError();

program
  .command('list')
  .description('list the registered environment ids')
  .option('--json', 'print JSON with each id\'s options and spaces')
  .action((opts: { json?: boolean }) => {
    const specs = listEnvs();
    if (opts.json) {
      const out = specs.map((s) => ({ id: s.id, description: s.description, options: make(s.id).options, spaces: make(s.id).spaces }));
      console.log(JSON.stringify(out, null, 2));
      return;
    }
    const width = Math.max(...specs.map((s) => s.id.length));
    for (const s of specs) console.log(`${s.id.padEnd(width)}  ${s.description}`);
  });

program
  .command('play <id>')
  .description('play an environment with the keyboard in this terminal')
  .option('--seed <n>', 'level seed', parseInteger, 0)
  .option('--options <json>', 'env options as a JSON object', parseJsonObject, {})
  .option('--levels <file>', 'Sokoban: a Boxoban level file to play (the levels option)')
  .action(async (id: string, opts: { seed: number; options: Record<string, never>; levels?: string }) => {
    await playInTerminal(make(id, withLevelsFile(opts.options, opts.levels)), opts.seed);
  });

program
  .command('render <id>')
  .description('render the first frame of a level to PNG (and print its text view)')
  .option('--seed <n>', 'level seed', parseInteger, 0)
  .option('--options <json>', 'env options as a JSON object', parseJsonObject, {})
  .option('--out <file>', 'PNG file to write', 'frame.png')
  .option('--levels <file>', 'Sokoban: a Boxoban level file to play (the levels option)')
  .action((id: string, opts: { seed: number; options: Record<string, never>; out: string; levels?: string }) => {
    const env = make(id, withLevelsFile(opts.options, opts.levels));
    const { observation } = env.reset({ seed: opts.seed });
    writeFileAtomic(userPath(opts.out), env.render('png'));
    console.log(observation.text);
    console.log(`wrote ${opts.out} (${observation.image.width}x${observation.image.height})`);
  });

program
  .command('solve <id>')
  .description('print the optimal plan of a Sokoban level; --gif animates it')
  .option('--seed <n>', 'level seed', parseInteger, 0)
  .option('--options <json>', 'env options as a JSON object', parseJsonObject, {})
  .option('--gif <file>', 'GIF file to write (the final frame held 2 s)')
  .option('--scale <n>', 'GIF upscale factor, 1-16', parsePositive, 1)
  .option('--levels <file>', 'Sokoban: a Boxoban level file to play (the levels option)')
  .action((id: string, opts: SolveArgs & { levels?: string }) => solveCommand(id, { ...opts, options: withLevelsFile(opts.options, opts.levels) }));

program
  .command('rollout <id>')
  .description('play one episode with a baseline agent')
  .option('--agent <name>', `agent: ${AGENT_NAMES.join(', ')}`, 'random')
  .option('--seed <n>', 'episode seed', parseInteger, 0)
  .option('--options <json>', 'env options as a JSON object', parseJsonObject, {})
  .option('--gif <file>', 'GIF file of the episode (the final frame held 2 s)')
  .option('--scale <n>', 'GIF upscale factor, 1-16', parsePositive, 1)
  .option('--replay <file>', 'replay JSON of the episode (viewable in the viewer)')
  .option('--levels <file>', 'Sokoban: a Boxoban level file to play (the levels option)')
  .action((id: string, opts: RolloutArgs & { levels?: string }) => rolloutCommand(id, { ...opts, options: withLevelsFile(opts.options, opts.levels) }));

program
  .command('dataset <name>')
  .description('write a dataset: a puzzle family (text) or an env id (game levels, first frame as PNG beside the JSONL)')
  .option('--format <f>', 'lmm-r1 (message/answer) or openrlhf (input/images/label)', parseFormat, 'lmm-r1')
  .option('--size <n>', 'number of items', parsePositive, 1000)
  .option('--seed <n>', 'dataset seed (game levels: row i is seed + i)', parseInteger, 0)
  .option('--difficulty <d>', 'puzzles: difficulty 1-5 (default: all five in turn)', parsePositive)
  .option('--options <json>', 'game levels: env options as a JSON object', parseJsonObject, {})
  .requiredOption('--out <file>', 'JSONL file to write')
  .action(datasetCommand);

program.parseAsync().catch((e: unknown) => {
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
