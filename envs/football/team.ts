/** Team look-ups by index: the left team comes first in `players`. */
import type { Player } from './types.js';

/** Index of the right team's keeper, or -1 (drills without one). */
export function rightKeeper(players: readonly Player[], nLeft: number): number {
  for (let j = nLeft; j < players.length; j++) if (players[j].role === 'keeper') return j;
  return -1;
}

/** The player of [from, to) nearest to (x, y), skipping `skip`; -1 if none. */
export function nearest(players: readonly Player[], from: number, to: number, x: number, y: number, skip = -1): number {
  let best = -1;
  let bestD = Infinity;
  for (let i = from; i < to; i++) {
    if (i === skip) continue;
    const dx = players[i].x - x;
    const dy = players[i].y - y;
    const d = dx * dx + dy * dy;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}
