/**
 * An independent reference solver for the tests: plain breadth-first search over (player, boxes)
 * with no heuristic and no pruning, written apart from envs/sokoban's search code (it shares only
 * the level type), so that agreement between the two means something.
 */
import type { SokobanLevel } from '../../../envs/sokoban/index.js';

/** Fewest moves to solve `level`, or -1 when unsolvable or when `maxStates` is passed. */
export function bruteForceLength(level: SokobanLevel, maxStates = 3_000_000): number {
  const rows = level.fixed.length;
  const cols = level.fixed[0].length;
  const size = rows * cols;
  const open = new Uint8Array(size);
  const target = new Uint8Array(size);
  level.fixed.forEach((row, r) =>
    row.forEach((v, c) => {
      open[r * cols + c] = v === 0 ? 0 : 1;
      target[r * cols + c] = v === 2 ? 1 : 0;
    }),
  );
  // Grid steps; the room's border is wall in every level the tests use, but check bounds anyway.
  const steps = [-cols, cols, -1, 1];
  const inside = (from: number, to: number) => to >= 0 && to < size && (Math.abs(to - from) === cols || Math.floor(to / cols) === Math.floor(from / cols));
  const k = level.boxes.length;
  if (Math.pow(size, k + 1) > Number.MAX_SAFE_INTEGER) throw new Error('level too large for the brute-force key');
  // A state as one number: player, then the sorted box cells, in base `size` digits.
  const key = (player: number, boxes: readonly number[]) => {
    let x = player;
    for (const b of boxes) x = x * size + b;
    return x;
  };
  const startBoxes = level.boxes.map(([r, c]) => r * cols + c).sort((a, b) => a - b);
  if (startBoxes.every((b) => target[b])) return 0;
  const start = level.player[0] * cols + level.player[1];
  const seen = new Set<number>([key(start, startBoxes)]);
  // A layer is a flat list: player, then k boxes, per state.
  let layer: number[] = [start, ...startBoxes];
  const boxes: number[] = new Array(k);
  for (let depth = 1; layer.length > 0; depth++) {
    const next: number[] = [];
    for (let s = 0; s < layer.length; s += k + 1) {
      const player = layer[s];
      for (let i = 0; i < k; i++) boxes[i] = layer[s + 1 + i];
      for (const d of steps) {
        const to = player + d;
        if (!inside(player, to) || !open[to]) continue;
        const hit = boxes.indexOf(to);
        let moved: number[] = boxes;
        if (hit >= 0) {
          const beyond = to + d;
          if (!inside(to, beyond) || !open[beyond] || boxes.includes(beyond)) continue;
          moved = boxes.slice();
          moved[hit] = beyond;
          moved.sort((a, b) => a - b);
          if (moved.every((b) => target[b])) return depth;
        }
        const id = key(to, moved);
        if (seen.has(id)) continue;
        seen.add(id);
        next.push(to, ...moved);
      }
    }
    if (seen.size > maxStates) return -1;
    layer = next;
  }
  return -1;
}
