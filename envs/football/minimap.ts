/**
 * Google Research Football's "super mini map": 4 planes of 72 x 96 (left team, right team, ball,
 * active player), 255 where something stands, else 0; planes one after another (channels first).
 */
import type { FootballState } from './types.js';

export const MINIMAP_HEIGHT = 72;
export const MINIMAP_WIDTH = 96;
export const MINIMAP_PLANES = 4;
/** The area the map covers, as Google Research Football's: x in [-1, 1], y in [-1/2.25, 1/2.25] (a little beyond the touchlines). */
const NORM_X = 1;
const NORM_Y = 1 / 2.25;

function mark(out: Uint8Array, plane: number, x: number, y: number): void {
  const col = Math.min(MINIMAP_WIDTH - 1, Math.max(0, Math.floor(((x + NORM_X) / (2 * NORM_X)) * MINIMAP_WIDTH)));
  const row = Math.min(MINIMAP_HEIGHT - 1, Math.max(0, Math.floor(((y + NORM_Y) / (2 * NORM_Y)) * MINIMAP_HEIGHT)));
  out[(plane * MINIMAP_HEIGHT + row) * MINIMAP_WIDTH + col] = 255;
}

export function minimap(s: FootballState): Uint8Array {
  const out = new Uint8Array(MINIMAP_PLANES * MINIMAP_HEIGHT * MINIMAP_WIDTH);
  for (let i = 0; i < s.players.length; i++) mark(out, i < s.nLeft ? 0 : 1, s.players[i].x, s.players[i].y);
  mark(out, 2, s.ball.x, s.ball.y);
  mark(out, 3, s.players[s.active].x, s.players[s.active].y);
  return out;
}
