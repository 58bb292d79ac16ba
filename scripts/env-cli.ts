/**
 * `npm run env -- <command>`: list, play, render, solve, rollout and dataset, over the registry.
 */
import { Command } from 'commander';
import { listEnvs, make } from '../envs/index.js';
import { parseInteger, parseJsonObject, writeFileAtomic } from './cli/io.js';
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
  .action(async (id: string, opts: { seed: number; options: Record<string, never> }) => {
    await playInTerminal(make(id, opts.options), opts.seed);
  });

program
  .command('render <id>')
  .description('render the first frame of a level to PNG (and print its text view)')
  .option('--seed <n>', 'level seed', parseInteger, 0)
  .option('--options <json>', 'env options as a JSON object', parseJsonObject, {})
  .option('--out <file>', 'PNG file to write', 'frame.png')
  .action((id: string, opts: { seed: number; options: Record<string, never>; out: string }) => {
    const env = make(id, opts.options);
    const { observation } = env.reset({ seed: opts.seed });
    writeFileAtomic(opts.out, env.render('png'));
    console.log(observation.text);
    console.log(`wrote ${opts.out} (${observation.image.width}x${observation.image.height})`);
  });

program.parseAsync().catch((e: unknown) => {
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
