/**
 * Reverse play: a breadth-first search of pull moves from the solved positions, as gym-sokoban's
 * generator does, but exhaustive by layers instead of a depth-first walk.
 *
 * Every forward move has an exact reverse (a walk undoes a walk, a pull undoes a push), so a BFS
 * that starts from every solved position (all boxes on targets, the player on any free cell) meets
 * each position at its exact fewest-moves distance to a solution. So the generator gets, for free,
 * the optimal plan of the level it picks: follow the BFS parents back to a solved position. A state
 * budget only cuts the search short: distances of the states it did reach stay exact.
 *
 * Each state also carries gym-sokoban's difficulty score along its BFS path: box swaps (how often
 * the pulled box changed, the first pull counting) and which target each box came from, for the
 * total displacement. The chosen level maximises swaps x displacement; a box left on a target
 * scores 0.
 */
import type { LevelGraph } from './graph.js';
import { ensureSize, stateBudget, StateTable } from './state-table.js';
import { OPPOSITE } from './types.js';

export interface ReversePlayLimits {
  /** Fewest moves the chosen level may need. */
  minLength: number;
  /** Most moves the chosen level may need (also the search depth). */
  maxLength: number;
  /** States to visit at most. */
  maxStates: number;
}

export interface ReversePlayResult {
  player: number;
  /** Box cells. */
  boxes: number[];
  /** The optimal plan (forward moves 1-4). */
  plan: number[];
  /** swaps x displacement. */
  score: number;
}

const NO_BOX = 255;

/** The best-scoring start position within the limits, or null when every candidate scores 0. */
export function reversePlay(graph: LevelGraph, limits: ReversePlayLimits): ReversePlayResult | null {
  const k = graph.targets.length;
  const w = k + 1;
  const maxStates = stateBudget(w, limits.maxStates);
  const { next, n } = graph;
  // Sized for the whole state space (player cell x box sets) when the budget allows, so that
  // the hash table rarely has to grow.
  let space = n;
  for (let i = 0; i < k; i++) space = (space * (n - 1 - i)) / (i + 1);
  const table = new StateTable(w, Math.max(64, Math.min(maxStates, Math.ceil(space))));
  let depth = new Int32Array(1024);
  let parent = new Int32Array(1024);
  let move = new Uint8Array(1024);
  // Per state: the target each box slot came from, the last pulled box, the swaps so far.
  let origin = new Uint8Array(1024 * k);
  let lastPulled = new Uint8Array(1024);
  let swaps = new Uint16Array(1024);
  const grow = (size: number) => {
    depth = ensureSize(depth, size);
    parent = ensureSize(parent, size);
    move = ensureSize(move, size);
    lastPulled = ensureSize(lastPulled, size);
    swaps = ensureSize(swaps, size);
    origin = ensureSize(origin, size * k);
  };

  // --- 1. sources: boxes on the targets, the player on every other cell ---
  const occupied = new Int16Array(n); // box slot + 1, or 0
  for (const t of graph.targets) occupied[t] = 1;
  for (let p = 0; p < n; p++) {
    if (occupied[p] !== 0) continue;
    const at = table.candidate();
    table.data[at] = p;
    for (let i = 0; i < k; i++) table.data[at + 1 + i] = graph.targets[i];
    const idx = table.commit();
    if (idx >= depth.length) grow(idx + 1);
    depth[idx] = 0;
    parent[idx] = -1;
    move[idx] = 0;
    lastPulled[idx] = NO_BOX;
    swaps[idx] = 0;
    for (let i = 0; i < k; i++) origin[idx * k + i] = i;
  }
  occupied.fill(0);

  // --- 2. breadth-first expansion by walks and pulls ---
  const opposite = OPPOSITE; // a local: imported bindings are getters under some loaders
  const boxes = new Int32Array(k);
  const ids = new Uint8Array(k);
  // Stores a new state's bookkeeping; the arrays grow only when the table has outgrown them.
  const record = (idx: number, from: number, d: number, a: number, pulled: number, nswaps: number, idSource: Uint8Array, idAt: number) => {
    if (idx >= depth.length) grow(idx + 1);
    depth[idx] = d;
    parent[idx] = from;
    move[idx] = a;
    lastPulled[idx] = pulled;
    swaps[idx] = Math.min(nswaps, 65535);
    for (let i = 0; i < k; i++) origin[idx * k + i] = idSource[idAt + i];
  };
  for (let head = 0; head < table.count && table.count < maxStates; head++) {
    const d = depth[head];
    if (d >= limits.maxLength) break; // states come in depth order
    const base = head * w;
    const p = table.data[base];
    for (let i = 0; i < k; i++) occupied[table.data[base + 1 + i]] = i + 1;
    for (let a = 1; a <= 4; a++) {
      const q = next[p * 4 + a - 1];
      if (q < 0 || occupied[q] !== 0) continue;
      // The walk: same boxes, player on q.
      let at = table.candidate();
      let data = table.data;
      data[at] = q;
      for (let i = 1; i < w; i++) data[at + i] = data[base + i];
      let idx = table.commit();
      if (idx >= 0) record(idx, head, d + 1, a, lastPulled[head], swaps[head], origin, head * k);
      // The pull, when a box stands behind the player.
      const behind = next[p * 4 + opposite[a] - 1];
      const slot = behind >= 0 ? occupied[behind] - 1 : -1;
      if (slot < 0) continue;
      for (let i = 0; i < k; i++) {
        boxes[i] = data[base + 1 + i];
        ids[i] = origin[head * k + i];
      }
      const pulledId = ids[slot];
      const nswaps = swaps[head] + (pulledId !== lastPulled[head] ? 1 : 0);
      boxes[slot] = p;
      sortSlots(boxes, ids, slot);
      at = table.candidate();
      data = table.data;
      data[at] = q;
      for (let i = 0; i < k; i++) data[at + 1 + i] = boxes[i];
      idx = table.commit();
      if (idx >= 0) record(idx, head, d + 1, a, pulledId, nswaps, ids, 0);
    }
    for (let i = 0; i < k; i++) occupied[table.data[base + 1 + i]] = 0;
  }

  // --- 3. pick the best-scoring state within the length limits ---
  let best = -1;
  let bestScore = 0;
  for (let idx = 0; idx < table.count; idx++) {
    if (depth[idx] < limits.minLength || depth[idx] > limits.maxLength) continue;
    let displacement = 0;
    let onTarget = false;
    for (let i = 0; i < k; i++) {
      const b = table.data[idx * w + 1 + i];
      if (graph.isTarget[b]) {
        onTarget = true;
        break;
      }
      const t = graph.targets[origin[idx * k + i]];
      displacement += Math.abs(graph.row[b] - graph.row[t]) + Math.abs(graph.col[b] - graph.col[t]);
    }
    if (onTarget) continue;
    const score = swaps[idx] * displacement;
    // Ties go to the longer solution: the harder level.
    if (score > bestScore || (score === bestScore && best >= 0 && depth[idx] > depth[best])) {
      best = idx;
      bestScore = score;
    }
  }
  if (best < 0) return null;

  // --- 4. the optimal plan: walk the BFS parents back, undoing each reverse move ---
  const plan: number[] = [];
  for (let idx = best; parent[idx] >= 0; idx = parent[idx]) plan.push(OPPOSITE[move[idx]]);
  const out = Array.from(table.data.subarray(best * w, best * w + w));
  return { player: out[0], boxes: out.slice(1), plan, score: bestScore };
}

/** Restores ascending order after `boxes[slot]` changed, moving `ids` along. */
function sortSlots(boxes: Int32Array, ids: Uint8Array, slot: number): void {
  let i = slot;
  while (i > 0 && boxes[i - 1] > boxes[i]) {
    swapAt(boxes, ids, i - 1, i);
    i--;
  }
  while (i < boxes.length - 1 && boxes[i + 1] < boxes[i]) {
    swapAt(boxes, ids, i, i + 1);
    i++;
  }
}

function swapAt(boxes: Int32Array, ids: Uint8Array, i: number, j: number): void {
  const b = boxes[i];
  boxes[i] = boxes[j];
  boxes[j] = b;
  const t = ids[i];
  ids[i] = ids[j];
  ids[j] = t;
}
