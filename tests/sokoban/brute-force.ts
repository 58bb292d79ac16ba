/**
 * An independent reference solver for the tests: plain breadth-first search over (player, boxes)
 * with no heuristic and no pruning, written apart from envs/sokoban's search code (it shares only
 * the level type), so that agreement between the two means something.
 */
import type { SokobanLevel } from '../../envs/sokoban/index.js';

const DIRS = [
  [-1, 0],
  [1, 0],
  [0, -1],
  [0, 1],
];

/** Fewest moves to solve `level`, or -1 when unsolvable or when `maxStates` is passed. */
export function bruteForceLength(level: SokobanLevel, maxStates = 3_000_000): number {
  const rows = level.fixed.length;
  const cols = level.fixed[0].length;
  const open = (i: number) => level.fixed[Math.floor(i / cols)][i % cols] !== 0;
  const target = (i: number) => level.fixed[Math.floor(i / cols)][i % cols] === 2;
  const base = rows * cols;
  // A state as one number: player, then the sorted box positions, in base rows*cols digits.
  const encode = (player: number, boxes: number[]) => boxes.reduce((key, b) => key * base + b, player);
  const decode = (key: number, k: number) => {
    const boxes: number[] = new Array(k);
    for (let i = k - 1; i >= 0; i--) {
      boxes[i] = key % base;
      key = Math.floor(key / base);
    }
    return { player: key, boxes };
  };
  const k = level.boxes.length;
  if (Math.pow(base, k + 1) > Number.MAX_SAFE_INTEGER) throw new Error('level too large for the brute-force key');
  const startBoxes = level.boxes.map(([r, c]) => r * cols + c).sort((a, b) => a - b);
  if (startBoxes.every(target)) return 0;
  const seen = new Set<number>([encode(level.player[0] * cols + level.player[1], startBoxes)]);
  let layer = [...seen];
  for (let depth = 1; layer.length > 0; depth++) {
    const nextLayer: number[] = [];
    for (const key of layer) {
      const { player, boxes } = decode(key, k);
      const pr = Math.floor(player / cols);
      const pc = player % cols;
      for (const [dr, dc] of DIRS) {
        const r = pr + dr;
        const c = pc + dc;
        if (r < 0 || r >= rows || c < 0 || c >= cols) continue;
        const to = r * cols + c;
        if (!open(to)) continue;
        let moved = boxes;
        const hit = boxes.indexOf(to);
        if (hit >= 0) {
          const br = r + dr;
          const bc = c + dc;
          if (br < 0 || br >= rows || bc < 0 || bc >= cols) continue;
          const beyond = br * cols + bc;
          if (!open(beyond) || boxes.includes(beyond)) continue;
          moved = boxes.slice();
          moved[hit] = beyond;
          moved.sort((a, b) => a - b);
          if (moved.every(target)) return depth;
        }
        const child = encode(to, moved);
        if (seen.has(child)) continue;
        seen.add(child);
        nextLayer.push(child);
      }
    }
    if (seen.size > maxStates) return -1;
    layer = nextLayer;
  }
  return -1;
}
