/**
 * The frame: one square tile a cell (16 px by default), drawn only as opaque integer rectangles on
 * any Context2D (see render/context.ts), so that a browser canvas, @napi-rs/canvas and the raster
 * fast path give the same bytes. Round shapes (the red target dot, the player's head) are drawn
 * as one rectangle per pixel row.
 *
 * Tiles: brick walls, dark floor, a red dot on targets, a yellow box (with the red dot on it when
 * it sits on a target), a green player (in a red frame when it stands on a target). Shapes are laid out on a 16-unit grid and scaled to the
 * tile size.
 */
import type { Context2D } from '../render/context.js';
import { TARGET, WALL, type SokobanLevel } from './types.js';

export const TILE_KINDS = ['wall', 'floor', 'target', 'box', 'box_on_target', 'player', 'player_on_target'] as const;
export type TileKind = (typeof TILE_KINDS)[number];

export const PALETTE = {
  mortar: '#4a2f20',
  brick: '#9a5b38',
  floor: '#202020',
  floorLine: '#2c2c2c',
  target: '#e0302a',
  boxEdge: '#7a5a00',
  box: '#f2c500',
  boxPanel: '#d9a600',
  player: '#2ecc40',
  playerDark: '#1a7a26',
} as const;

/** The tile of each kind, by index into TILE_KINDS. */
export enum Tile {
  Wall,
  Floor,
  Target,
  Box,
  BoxOnTarget,
  Player,
  PlayerOnTarget,
}

/** Tile index of every cell, row-major (`rows * cols` entries). */
export function tileMap(level: SokobanLevel): Uint8Array {
  const rows = level.fixed.length;
  const cols = rows === 0 ? 0 : level.fixed[0].length;
  const tiles = new Uint8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = level.fixed[r];
    for (let c = 0; c < cols; c++) tiles[r * cols + c] = row[c] === WALL ? Tile.Wall : row[c] === TARGET ? Tile.Target : Tile.Floor;
  }
  for (const [r, c] of level.boxes) tiles[r * cols + c] = tiles[r * cols + c] === Tile.Target ? Tile.BoxOnTarget : Tile.Box;
  const [pr, pc] = level.player;
  tiles[pr * cols + pc] = tiles[pr * cols + pc] === Tile.Target ? Tile.PlayerOnTarget : Tile.Player;
  return tiles;
}

/** Draws the level with its top-left corner at (0, 0). */
export function drawSokoban(ctx: Context2D, level: SokobanLevel, tileSize: number): void {
  const cols = level.fixed.length === 0 ? 0 : level.fixed[0].length;
  const tiles = tileMap(level);
  for (let i = 0; i < tiles.length; i++) {
    drawTile(ctx, tiles[i] as Tile, (i % cols) * tileSize, Math.floor(i / cols) * tileSize, tileSize);
  }
}

/** One tile with its top-left corner at (x, y); it never paints outside its square. */
export function drawTile(ctx: Context2D, tile: Tile, x: number, y: number, t: number): void {
  // A rectangle in 16ths of the tile, snapped to whole pixels.
  const px = (u: number) => Math.round((u * t) / 16);
  const rect = (color: string, ux: number, uy: number, uw: number, uh: number) => {
    const x0 = px(ux);
    const y0 = px(uy);
    const w = px(ux + uw) - x0;
    const h = px(uy + uh) - y0;
    if (w <= 0 || h <= 0) return;
    ctx.fillStyle = color;
    ctx.fillRect(x + x0, y + y0, w, h);
  };
  // A disc centred at (ucx, ucy) of radius ur (units), one rectangle per pixel row.
  const disc = (color: string, ucx: number, ucy: number, ur: number) => {
    ctx.fillStyle = color;
    for (let row = 0; row < t; row++) {
      const dy = ((row + 0.5) * 16) / t - ucy;
      if (Math.abs(dy) >= ur) continue;
      const half = Math.sqrt(ur * ur - dy * dy);
      const x0 = Math.round(((ucx - half) * t) / 16);
      const x1 = Math.round(((ucx + half) * t) / 16);
      if (x1 > x0) ctx.fillRect(x + x0, y + row, x1 - x0, 1);
    }
  };
  const floor = () => {
    rect(PALETTE.floor, 0, 0, 16, 16);
    rect(PALETTE.floorLine, 0, 0, 16, 1);
    rect(PALETTE.floorLine, 0, 0, 1, 16);
  };
  const box = () => {
    rect(PALETTE.boxEdge, 1, 1, 14, 14);
    rect(PALETTE.box, 2, 2, 12, 12);
    rect(PALETTE.boxPanel, 4, 4, 8, 8);
  };
  const player = () => {
    disc(PALETTE.player, 8, 4.5, 2.75);
    rect(PALETTE.player, 5, 7, 6, 5); // body
    rect(PALETTE.playerDark, 5, 9, 6, 1); // belt
    rect(PALETTE.player, 3, 8, 2, 3); // arms
    rect(PALETTE.player, 11, 8, 2, 3);
    rect(PALETTE.player, 5, 12, 2, 3); // legs
    rect(PALETTE.player, 9, 12, 2, 3);
  };
  switch (tile) {
    case Tile.Wall:
      rect(PALETTE.mortar, 0, 0, 16, 16);
      // Four courses of bricks, every other one shifted by half a brick.
      for (let course = 0; course < 4; course++) {
        const shift = course % 2 === 0 ? 0 : -4;
        for (let bx = shift; bx < 16; bx += 8) {
          const from = Math.max(bx, 0);
          const to = Math.min(bx + 7, 16);
          rect(PALETTE.brick, from, course * 4, to - from, 3);
        }
      }
      break;
    case Tile.Floor:
      floor();
      break;
    case Tile.Target:
      floor();
      disc(PALETTE.target, 8, 8, 3.5);
      break;
    case Tile.Box:
      floor();
      box();
      break;
    case Tile.BoxOnTarget:
      floor();
      box();
      disc(PALETTE.target, 8, 8, 2.5);
      break;
    case Tile.Player:
      floor();
      player();
      break;
    case Tile.PlayerOnTarget:
      // The player hides the target's dot, so a red frame around the tile says it stands on one
      // (the dot alone left 2 of its 32 red pixels showing at 16 px).
      floor();
      disc(PALETTE.target, 8, 8, 3.5);
      rect(PALETTE.target, 1, 1, 14, 1);
      rect(PALETTE.target, 1, 14, 14, 1);
      rect(PALETTE.target, 1, 2, 1, 12);
      rect(PALETTE.target, 14, 2, 1, 12);
      player();
      break;
  }
}
