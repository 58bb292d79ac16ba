/**
 * Frames: the raster fast path, `drawSokoban` on a RasterContext and `drawSokoban` on a real
 * @napi-rs/canvas context give the same bytes, for every tile kind and several tile sizes.
 */
import { createCanvas } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { makeRng } from '../../../envs/core/rng.js';
import { RasterContext } from '../../../envs/render/context.js';
import { drawSokoban, generateLevel, parseBoxoban, rasterizeSokoban, SOKOBAN_PALETTE, type SokobanLevel } from '../../../envs/sokoban/index.js';

/** Every tile kind: wall, floor, target, box, box on target, player on target. */
const ALL_TILES = parseBoxoban(['######', '# $*.#', '#+ $ #', '######'].join('\n'));
/** The player off target too. */
const ALL_TILES_2 = parseBoxoban(['######', '#@$*.#', '######'].join('\n'));

function viaDraw(level: SokobanLevel, t: number): Uint8ClampedArray {
  const ctx = new RasterContext(level.fixed[0].length * t, level.fixed.length * t);
  drawSokoban(ctx, level, t);
  return ctx.image.data;
}

function viaCanvas(level: SokobanLevel, t: number): Uint8ClampedArray {
  const w = level.fixed[0].length * t;
  const h = level.fixed.length * t;
  const canvas = createCanvas(w, h);
  const ctx = canvas.getContext('2d');
  drawSokoban(ctx, level, t);
  return ctx.getImageData(0, 0, w, h).data;
}

const same = (a: Uint8ClampedArray, b: Uint8ClampedArray) => a.length === b.length && Buffer.from(a).equals(Buffer.from(b));

describe('Sokoban frames', () => {
  const generated = [0, 1, 2].map((s) => generateLevel(makeRng(s), { rows: 7, cols: 7, boxes: 2, minLength: 1, maxLength: 10_000 }).level);

  it.each([16, 7, 10, 32, 3])('raster == draw == @napi-rs/canvas at %i px a tile', (t) => {
    for (const level of [ALL_TILES, ALL_TILES_2, ...generated]) {
      const raster = rasterizeSokoban(level, t);
      expect(raster.width).toBe(level.fixed[0].length * t);
      expect(raster.height).toBe(level.fixed.length * t);
      expect(same(raster.data, viaDraw(level, t))).toBe(true);
      expect(same(raster.data, viaCanvas(level, t))).toBe(true);
    }
  });

  it('shows the pieces in their colours: yellow box, red target dot, green player', () => {
    const t = 16;
    const img = rasterizeSokoban(ALL_TILES_2, t);
    const pixel = (row: number, col: number, dy: number, dx: number) => {
      const i = ((row * t + dy) * img.width + col * t + dx) * 4;
      return `#${[0, 1, 2].map((k) => img.data[i + k].toString(16).padStart(2, '0')).join('')}`;
    };
    expect(pixel(1, 2, 3, 3)).toBe(SOKOBAN_PALETTE.box); // box
    expect(pixel(1, 4, 8, 8)).toBe(SOKOBAN_PALETTE.target); // target dot centre
    expect(pixel(1, 3, 8, 8)).toBe(SOKOBAN_PALETTE.target); // box on target shows the dot
    expect(pixel(1, 1, 4, 8)).toBe(SOKOBAN_PALETTE.player); // player's head
    expect(pixel(0, 0, 1, 1)).toBe(SOKOBAN_PALETTE.brick); // wall
    // Every pixel is opaque.
    for (let i = 3; i < img.data.length; i += 4) expect(img.data[i]).toBe(255);
  });
});
