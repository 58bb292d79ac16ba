/**
 * A level compiled for search: its non-wall cells numbered 0..n-1 with their neighbours in flat
 * typed arrays, so that the generator and the solver step through states without objects.
 */
import { DELTAS, TARGET, WALL, type SokobanLevel } from './types.js';

export interface LevelGraph {
  rows: number;
  cols: number;
  /** Number of non-wall cells. */
  n: number;
  /** Row and column of each cell. */
  row: Int16Array;
  col: Int16Array;
  /** Cell number of grid position `r * cols + c`, or -1 for a wall. */
  cellAt: Int32Array;
  /** `next[cell * 4 + a - 1]`: the cell one step in direction `a` (1 up .. 4 right), or -1. */
  next: Int32Array;
  isTarget: Uint8Array;
  /** Target cells, ascending. */
  targets: number[];
}

export function compileLevel(fixed: readonly (readonly number[])[]): LevelGraph {
  const rows = fixed.length;
  const cols = rows === 0 ? 0 : Math.max(...fixed.map((r) => r.length));
  const cellAt = new Int32Array(rows * cols).fill(-1);
  const rowOf: number[] = [];
  const colOf: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = fixed[r][c];
      if (v === undefined || v === WALL) continue;
      cellAt[r * cols + c] = rowOf.length;
      rowOf.push(r);
      colOf.push(c);
    }
  }
  const n = rowOf.length;
  const next = new Int32Array(n * 4).fill(-1);
  const isTarget = new Uint8Array(n);
  const targets: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = rowOf[i];
    const c = colOf[i];
    if (fixed[r][c] === TARGET) {
      isTarget[i] = 1;
      targets.push(i);
    }
    for (let a = 1; a <= 4; a++) {
      const nr = r + DELTAS[a][0];
      const nc = c + DELTAS[a][1];
      if (nr >= 0 && nr < rows && nc >= 0 && nc < cols) next[i * 4 + a - 1] = cellAt[nr * cols + nc];
    }
  }
  return { rows, cols, n, row: Int16Array.from(rowOf), col: Int16Array.from(colOf), cellAt, next, isTarget, targets };
}

/** The cell number of a position; -1 when it is a wall or outside. */
export function cellOf(graph: LevelGraph, r: number, c: number): number {
  return r >= 0 && r < graph.rows && c >= 0 && c < graph.cols ? graph.cellAt[r * graph.cols + c] : -1;
}

/** The level's player and boxes as cell numbers, boxes ascending; throws if one stands on a wall. */
export function encodeLevel(graph: LevelGraph, level: SokobanLevel): { player: number; boxes: number[] } {
  const at = (r: number, c: number, what: string) => {
    const cell = cellOf(graph, r, c);
    if (cell < 0) throw new RangeError(`the ${what} at [${r}, ${c}] is on a wall or outside the room`);
    return cell;
  };
  const boxes = level.boxes.map(([r, c]) => at(r, c, 'box')).sort((a, b) => a - b);
  for (let i = 1; i < boxes.length; i++) {
    if (boxes[i] === boxes[i - 1]) throw new RangeError(`two boxes share cell ${graph.row[boxes[i]]}, ${graph.col[boxes[i]]}`);
  }
  return { player: at(level.player[0], level.player[1], 'player'), boxes };
}
