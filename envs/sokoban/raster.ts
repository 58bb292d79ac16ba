/**
 * The fast frame path: each tile kind is drawn once per tile size (through `drawTile` on a
 * RasterContext, so the pixels are by construction those `drawSokoban` paints) and frames are
 * then copied together row by row as 32-bit words.
 */
import type { RgbaImage } from '../core/types.js';
import { RasterContext } from '../render/context.js';
import { drawTile, tileMap, TILE_KINDS, type Tile } from './render.js';
import type { SokobanLevel } from './types.js';

const spriteCache = new Map<number, Uint32Array[]>();

/** The tile sprites of one size, as RGBA words, one array per tile kind. */
function sprites(t: number): Uint32Array[] {
  let out = spriteCache.get(t);
  if (!out) {
    out = TILE_KINDS.map((_, kind) => {
      const ctx = new RasterContext(t, t);
      drawTile(ctx, kind as Tile, 0, 0, t);
      return new Uint32Array(ctx.image.data.buffer);
    });
    spriteCache.set(t, out);
  }
  return out;
}

export function rasterizeSokoban(level: SokobanLevel, tileSize: number): RgbaImage {
  const t = tileSize;
  const rows = level.fixed.length;
  const cols = rows === 0 ? 0 : level.fixed[0].length;
  const width = cols * t;
  const height = rows * t;
  const data = new Uint8ClampedArray(width * height * 4);
  const out = new Uint32Array(data.buffer);
  const tiles = tileMap(level);
  const kinds = sprites(t);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const sprite = kinds[tiles[r * cols + c]];
      let dst = r * t * width + c * t;
      for (let y = 0; y < t; y++, dst += width) out.set(sprite.subarray(y * t, y * t + t), dst);
    }
  }
  return { width, height, data };
}
