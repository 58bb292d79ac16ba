/**
 * Bundles the viewer into static files (index.html, style.css, viewer.js) with esbuild, from the
 * same env code the server runs (envs/browser.ts). Node-only; used by `npm run build:viewer` and by
 * the server when it starts without a built viewer.
 *
 * The files are written to a fresh directory that is then renamed into place, so a server never
 * serves half a build, and two servers starting at once (parallel tests) cannot interleave theirs.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { existsSync, readdirSync, statSync } from 'node:fs';
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
  // Loaded only when a build is needed: esbuild is a development dependency, and a server with a
  // built viewer runs without it.
  const { build } = await import('esbuild');
  const tmp = `${outDir}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
  await mkdir(tmp, { recursive: true });
  try {
    await build({
      entryPoints: [opts.entry ?? join(here, 'main.ts')],
      outfile: join(tmp, 'viewer.js'),
      bundle: true,
      // A classic script, not a module: module scripts do not load from file://, and the static
      // build should open straight from disk.
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      minify: opts.minify ?? true,
      sourcemap: true,
      // seedrandom probes for Node's crypto inside a try/catch; in a browser it uses its own entropy.
      external: ['crypto'],
      logLevel: 'silent',
    });
    await copyFile(join(here, 'index.html'), join(tmp, 'index.html'));
    await copyFile(join(here, 'style.css'), join(tmp, 'style.css'));
    await rm(outDir, { recursive: true, force: true });
    await mkdir(dirname(outDir), { recursive: true });
    try {
      await rename(tmp, outDir);
    } catch (e) {
      // Another process renamed its build into place first: theirs is as good as ours.
      if (!existsSync(join(outDir, 'index.html'))) throw e;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return outDir;
}

/** Newest modification time (ms) of the TypeScript, HTML and CSS under `dir`. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.(ts|html|css)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Whether `outDir` lacks a build, or holds one older than the viewer or env sources. */
export function viewerBuildIsStale(outDir = DEFAULT_VIEWER_DIR): boolean {
  const bundle = join(outDir, 'viewer.js');
  if (!existsSync(bundle) || !existsSync(join(outDir, 'index.html'))) return true;
  const built = statSync(bundle).mtimeMs;
  return newestSource(here) > built || newestSource(join(here, '..', 'envs')) > built;
}
