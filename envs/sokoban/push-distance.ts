/**
 * Fewest pushes that bring a lone box from each cell to some target (other boxes ignored). A cell
 * from which no target can be reached is a dead square: a box pushed there is lost. The sum over
 * boxes is a lower bound on the moves left (each push is a move), and a consistent one, since one
 * move changes one box's distance by at most one: the solver's A* heuristic.
 */
import type { LevelGraph } from './graph.js';
import { OPPOSITE } from './types.js';

/** `dist[cell]`: fewest pushes to a target, or -1 on a dead square. */
export function pushDistances(graph: LevelGraph): Int32Array {
  const { next, n } = graph;
  const dist = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let tail = 0;
  for (const t of graph.targets) {
    dist[t] = 0;
    queue[tail++] = t;
  }
  // Backwards: a box reaches `x` by a push in direction a from `from`, with the player behind it.
  for (let head = 0; head < tail; head++) {
    const x = queue[head];
    for (let a = 1; a <= 4; a++) {
      const back = OPPOSITE[a] - 1;
      const from = next[x * 4 + back];
      if (from < 0 || dist[from] >= 0) continue;
      if (next[from * 4 + back] < 0) continue; // no room for the player behind the box
      dist[from] = dist[x] + 1;
      queue[tail++] = from;
    }
  }
  return dist;
}
