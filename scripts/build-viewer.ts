/** `npm run build:viewer [-- --out DIR]`: the viewer as static files (open index.html anywhere). */
import { Command } from 'commander';
import { buildViewer, DEFAULT_VIEWER_DIR } from '../viewer/build.js';

const opts = new Command()
  .name('build:viewer')
  .description('bundle the replay viewer into static files')
  .option('--out <dir>', 'output directory', DEFAULT_VIEWER_DIR)
  .option('--no-minify', 'readable output')
  .parse()
  .opts<{ out: string; minify: boolean }>();

const dir = await buildViewer(opts.out, { minify: opts.minify });
console.log(`viewer written to ${dir}`);
