/**
 * The exact solver: fewest moves (walks and pushes all count one), by A* over (player, boxes)
 * states with the push-distance lower bound (see push-distance.ts), which is consistent, so the
 * first solved state taken from the queue is reached by an optimal plan.
 *
 * Pruning never loses a solution: no box is pushed onto a dead square, nor into a 2x2 block of
 * walls and boxes holding a box off target (such a block can never move again). A state budget
 * bounds the work: past it the answer is "budget", never a wrong plan.
 */
import { compileLevel, encodeLevel, type LevelGraph } from './graph.js';
import { pushDistances } from './push-distance.js';
import { ensureSize, stateBudget, StateTable } from './state-table.js';
import type { SokobanLevel } from './types.js';

export interface SolveOptions {
  /** States to store at most (default 2 million, a few tens of MB; fewer for many boxes, see `stateBudget`). */
  maxStates?: number;
}

export type SolveResult =
  | { solved: true; /** Moves 1 up, 2 down, 3 left, 4 right. */ plan: number[]; length: number; explored: number }
  | { solved: false; reason: 'unsolvable' | 'budget'; explored: number };

/** The solver's own budget; the env's `solver_states` default is the same, so both find the same plans. */
export const DEFAULT_MAX_STATES = 2_000_000;

export function solveSokoban(level: SokobanLevel, opts: SolveOptions = {}): SolveResult {
  const graph = compileLevel(level.fixed);
  const start = encodeLevel(graph, level);
  const k = start.boxes.length;
  const maxStates = stateBudget(k + 1, opts.maxStates ?? DEFAULT_MAX_STATES);
  if (k !== graph.targets.length) throw new RangeError(`the level has ${k} boxes but ${graph.targets.length} targets`);
  const dist = pushDistances(graph);
  let h0 = 0;
  for (const b of start.boxes) {
    if (dist[b] < 0) return { solved: false, reason: 'unsolvable', explored: 0 };
    h0 += dist[b];
  }

  const w = k + 1;
  const table = new StateTable(w, 4096);
  let g = new Int32Array(4096);
  let h = new Int32Array(4096);
  let parent = new Int32Array(4096);
  let move = new Uint8Array(4096);
  let closed = new Uint8Array(4096);
  // Bucket queue by f = g + h: costs are small integers.
  const buckets: number[][] = [];
  const push = (idx: number, f: number) => (buckets[f] ??= []).push(idx);

  let at = table.candidate();
  table.data[at] = start.player;
  start.boxes.forEach((b, i) => (table.data[at + 1 + i] = b));
  table.commit();
  g[0] = 0;
  h[0] = h0;
  parent[0] = -1;
  push(0, h0);

  const occupied = new Uint8Array(graph.n);
  const boxes = new Int32Array(k);
  let f = h0;
  while (f < buckets.length) {
    const bucket = buckets[f];
    // Last in, first out within a bucket: deeper states first, which finds the goal sooner.
    const idx = bucket?.pop();
    if (idx === undefined) {
      f++;
      continue;
    }
    if (closed[idx] || g[idx] + h[idx] !== f) continue; // stale entry
    closed[idx] = 1;
    if (h[idx] === 0) return { solved: true, ...planTo(idx, parent, move), explored: table.count };

    const base = idx * w;
    const p = table.data[base];
    for (let i = 0; i < k; i++) occupied[table.data[base + 1 + i]] = 1;
    for (let a = 1; a <= 4; a++) {
      const q = graph.next[p * 4 + a - 1];
      if (q < 0) continue;
      let hc = h[idx];
      for (let i = 0; i < k; i++) boxes[i] = table.data[base + 1 + i];
      if (occupied[q]) {
        const beyond = graph.next[q * 4 + a - 1];
        if (beyond < 0 || occupied[beyond] || dist[beyond] < 0) continue;
        if (frozenAfterPush(graph, occupied, q, beyond)) continue;
        hc += dist[beyond] - dist[q];
        replaceSorted(boxes, q, beyond);
      }
      at = table.candidate();
      const data = table.data;
      data[at] = q;
      for (let i = 0; i < k; i++) data[at + 1 + i] = boxes[i];
      let child = table.commit();
      const gc = g[idx] + 1;
      if (child >= 0) {
        if (table.count > maxStates) {
          return { solved: false, reason: 'budget', explored: table.count };
        }
        const size = table.count;
        g = ensureSize(g, size);
        h = ensureSize(h, size);
        parent = ensureSize(parent, size);
        move = ensureSize(move, size);
        closed = ensureSize(closed, size);
        h[child] = hc;
      } else {
        child = -1 - child;
        if (closed[child] || g[child] <= gc) continue;
      }
      g[child] = gc;
      parent[child] = idx;
      move[child] = a;
      push(child, gc + h[child]);
    }
    for (let i = 0; i < k; i++) occupied[table.data[base + 1 + i]] = 0;
  }
  return { solved: false, reason: 'unsolvable', explored: table.count };
}

function planTo(idx: number, parent: Int32Array, move: Uint8Array): { plan: number[]; length: number } {
  const plan: number[] = [];
  for (let i = idx; parent[i] >= 0; i = parent[i]) plan.push(move[i]);
  plan.reverse();
  return { plan, length: plan.length };
}

/** Moves the box at cell `from` to `to`, keeping `boxes` ascending. */
function replaceSorted(boxes: Int32Array, from: number, to: number): void {
  let i = boxes.indexOf(from);
  boxes[i] = to;
  while (i > 0 && boxes[i - 1] > boxes[i]) {
    [boxes[i - 1], boxes[i]] = [boxes[i], boxes[i - 1]];
    i--;
  }
  while (i < boxes.length - 1 && boxes[i + 1] < boxes[i]) {
    [boxes[i + 1], boxes[i]] = [boxes[i], boxes[i + 1]];
    i++;
  }
}

/**
 * Whether pushing the box at `from` to `to` completes a 2x2 block of walls and boxes with a box
 * off target in it. `occupied` marks the boxes before the push.
 */
function frozenAfterPush(graph: LevelGraph, occupied: Uint8Array, from: number, to: number): boolean {
  const r = graph.row[to];
  const c = graph.col[to];
  for (let dr = -1; dr <= 0; dr++) {
    for (let dc = -1; dc <= 0; dc++) {
      let blocked = true;
      let loose = false;
      for (let i = 0; i < 4 && blocked; i++) {
        const rr = r + dr + (i >> 1);
        const cc = c + dc + (i & 1);
        const cell = rr >= 0 && rr < graph.rows && cc >= 0 && cc < graph.cols ? graph.cellAt[rr * graph.cols + cc] : -1;
        if (cell < 0) continue; // wall
        const box = cell === to || (cell !== from && occupied[cell] === 1);
        if (!box) blocked = false;
        else if (!graph.isTarget[cell]) loose = true;
      }
      if (blocked && loose) return true;
    }
  }
  return false;
}
