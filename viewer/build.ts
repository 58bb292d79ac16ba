/**
 * Bundles the viewer into static files (index.html, style.css, viewer.js) with esbuild, from the
 * same env code the server runs (envs/browser.ts). Node-only; used by `npm run build:viewer` and by
 * the server when it starts without a built viewer.
 */
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Where `npm run build:viewer` writes, and where the server looks first. */
export const DEFAULT_VIEWER_DIR = join(here, '..', 'dist', 'viewer');

export interface BuildOptions {
  minify?: boolean;
  /** Entry module (default viewer/main.ts); tests use one that registers a test game first. */
  entry?: string;
}

export async function buildViewer(outDir = DEFAULT_VIEWER_DIR, opts: BuildOptions = {}): Promise<string> {
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: [opts.entry ?? join(here, 'main.ts')],
    outfile: join(outDir, 'viewer.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: opts.minify ?? true,
    sourcemap: true,
    // seedrandom probes for Node's crypto inside a try/catch; in a browser it uses its own entropy.
    external: ['crypto'],
    logLevel: 'silent',
  });
  await copyFile(join(here, 'index.html'), join(outDir, 'index.html'));
  await copyFile(join(here, 'style.css'), join(outDir, 'style.css'));
  return outDir;
}
