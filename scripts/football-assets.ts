/**
 * Writes the README's pictures of the football game: a frame of an 11 vs 11 situation (native
 * size and 2x) and a GIF of a heuristic episode that ends in a goal.
 *
 *   npx tsx scripts/football-assets.ts [--out assets/football]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeGif, encodePng, make, type RgbaImage } from '../envs/index.js';
import { footballHeuristicAgent, rolloutEpisodeSync } from '../agent/agents/index.js';

const outIndex = process.argv.indexOf('--out');
const out = outIndex >= 0 ? process.argv[outIndex + 1] : 'assets/football';
if (!out) throw new Error('--out needs a folder');
mkdirSync(out, { recursive: true });

/** Nearest-neighbour upscaling (keeps the pixel-exact look). */
function upscale(image: RgbaImage, k: number): RgbaImage {
  const w = image.width * k;
  const h = image.height * k;
  const data = new Uint8ClampedArray(w * h * 4);
  const src = new Uint32Array(image.data.buffer, image.data.byteOffset, image.width * image.height);
  const dst = new Uint32Array(data.buffer);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) dst[y * w + x] = src[Math.floor(y / k) * image.width + Math.floor(x / k)];
  return { width: w, height: h, data };
}

// A frame a few steps into an 11 vs 11 episode, the heuristic on the ball.
const env = make('Football-11v11-v0');
const frameRun = rolloutEpisodeSync(env, footballHeuristicAgent(), 7, { frames: true, maxSteps: 12 });
// The last of those frames where the controlled (yellow) player has the ball.
let pick = 0;
frameRun.steps.forEach((s, i) => {
  if (s.info.ball_owner === s.info.active) pick = i + 1;
});
const frame = frameRun.frames![pick];
writeFileSync(join(out, 'frame.png'), encodePng(frame));
writeFileSync(join(out, 'frame-2x.png'), encodePng(upscale(frame, 2)));

// The first seed whose heuristic counter-attack ends in a goal.
const counter = make('Football-counterattack-easy-v0');
for (let seed = 0; seed < 100; seed++) {
  const r = rolloutEpisodeSync(counter, footballHeuristicAgent(), seed, { frames: true });
  if (r.steps[r.steps.length - 1].info.goal !== true) continue;
  // Hold the last frame for a second so the goal reads.
  const frames = [...r.frames!, ...Array(10).fill(r.frames![r.frames!.length - 1])];
  writeFileSync(join(out, 'heuristic-counterattack.gif'), encodeGif(frames, 100));
  console.log(`GIF: Football-counterattack-easy-v0 seed ${seed}, ${r.length} steps, score ${r.score?.toFixed(1)}`);
  break;
}
console.log(`wrote ${out}/frame.png, frame-2x.png, heuristic-counterattack.gif`);
