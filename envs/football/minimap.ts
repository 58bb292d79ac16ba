/**
 * Google Research Football's "super mini map": 4 planes of 72 x 96 (left team, right team, ball,
 * active player), 255 where something stands, else 0; planes one after another (channels first).
 */
import { PITCH_X, PITCH_Y } from './constants.js';
import type { FootballState } from './types.js';

export const MINIMAP_HEIGHT = 72;
export const MINIMAP_WIDTH = 96;
export const MINIMAP_PLANES = 4;

function mark(out: Uint8Array, plane: number, x: number, y: number): void {
  const col = Math.min(MINIMAP_WIDTH - 1, Math.max(0, Math.floor(((x + PITCH_X) / (2 * PITCH_X)) * MINIMAP_WIDTH)));
  const row = Math.min(MINIMAP_HEIGHT - 1, Math.max(0, Math.floor(((y + PITCH_Y) / (2 * PITCH_Y)) * MINIMAP_HEIGHT)));
  out[(plane * MINIMAP_HEIGHT + row) * MINIMAP_WIDTH + col] = 255;
}

export function minimap(s: FootballState): Uint8Array {
  const out = new Uint8Array(MINIMAP_PLANES * MINIMAP_HEIGHT * MINIMAP_WIDTH);
  for (let i = 0; i < s.players.length; i++) mark(out, i < s.nLeft ? 0 : 1, s.players[i].x, s.players[i].y);
  mark(out, 2, s.ball.x, s.ball.y);
  mark(out, 3, s.players[s.active].x, s.players[s.active].y);
  return out;
}
