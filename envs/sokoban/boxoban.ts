/**
 * Boxoban / XSB text: `#` wall, `@` player, `+` player on goal, `$` box, `*` box on goal,
 * `.` goal, space (or `-`, `_`) floor. A level file holds levels each under a `; N` header line,
 * as DeepMind's Boxoban files do.
 */
import { FLOOR, TARGET, WALL, type SokobanCell, type SokobanLevel } from './types.js';

export class BoxobanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BoxobanError';
  }
}

/** Largest side of a level in cells: frames and solver states grow with it, so hostile text stops here. */
export const MAX_LEVEL_SIDE = 64;

/** A level from a file, with the name from its header line. */
export interface NamedLevel {
  name: string;
  level: SokobanLevel;
}

/**
 * Parses one level, with or without its `; N` header line. Rows shorter than the longest are padded with wall. `firstLine` numbers the
 * lines in error messages (1-based), so that errors point into the file a level came from.
 */
export function parseBoxoban(text: string, firstLine = 1): SokobanLevel {
  const lines = text.replace(/\r/g, '').split('\n');
  // Blank lines around the level are layout, not rows; so are `; N` header lines above it, as a
  // level copied out of a Boxoban file has.
  let start = 0;
  while (start < lines.length && (lines[start].trim() === '' || lines[start].trimStart().startsWith(';'))) start++;
  const header = lines.findIndex((l, i) => i >= start && l.trimStart().startsWith(';'));
  if (header >= 0) {
    throw new BoxobanError(`line ${firstLine + header}: a second header (${JSON.stringify(lines[header].trim().slice(0, 20))}): this text holds more than one level; read it with parseBoxobanFile (or give it whole as the levels option)`);
  }
  let end = lines.length;
  while (end > start && lines[end - 1].trim() === '') end--;
  // trimEnd, not /\s+$/: that regex retries from every space of a long inner run (quadratic).
  const rows = lines.slice(start, end).map((l) => l.trimEnd());
  if (rows.length === 0) throw new BoxobanError(`line ${firstLine}: empty level`);
  const width = rows.reduce((w, r) => Math.max(w, r.length), 0);
  if (rows.length > MAX_LEVEL_SIDE || width > MAX_LEVEL_SIDE) {
    throw new BoxobanError(`line ${firstLine + start}: level is ${rows.length}x${width} cells, over the ${MAX_LEVEL_SIDE}x${MAX_LEVEL_SIDE} a level may have`);
  }
  const fixed: number[][] = [];
  const boxes: SokobanCell[] = [];
  const players: SokobanCell[] = [];
  let targets = 0;
  rows.forEach((row, r) => {
    const line = firstLine + start + r;
    const cells: number[] = [];
    for (let c = 0; c < width; c++) {
      const ch = c < row.length ? row[c] : '#';
      switch (ch) {
        case '#':
          cells.push(WALL);
          break;
        case ' ':
        case '-':
        case '_':
          cells.push(FLOOR);
          break;
        case '.':
          cells.push(TARGET);
          break;
        case '$':
          cells.push(FLOOR);
          boxes.push([r, c]);
          break;
        case '*':
          cells.push(TARGET);
          boxes.push([r, c]);
          break;
        case '@':
          cells.push(FLOOR);
          players.push([r, c]);
          break;
        case '+':
          cells.push(TARGET);
          players.push([r, c]);
          break;
        default:
          throw new BoxobanError(`line ${line}, column ${c + 1}: unknown character ${JSON.stringify(ch)} (expected one of # @ + $ * . or space)`);
      }
      if (ch === '.' || ch === '*' || ch === '+') targets++;
    }
    fixed.push(cells);
  });
  const where = rows.length === 1 ? `line ${firstLine + start}` : `lines ${firstLine + start}-${firstLine + end - 1}`;
  if (players.length !== 1) throw new BoxobanError(`${where}: a level needs exactly one player (@ or +), found ${players.length}`);
  if (boxes.length === 0) throw new BoxobanError(`${where}: a level needs at least one box ($ or *)`);
  if (boxes.length !== targets) {
    const n = boxes.length;
    throw new BoxobanError(`${where}: ${n} box${n === 1 ? '' : 'es'} but ${targets} goal${targets === 1 ? '' : 's'}`);
  }
  return { fixed, boxes, player: players[0] };
}

/**
 * The level as Boxoban text, one line a row, no trailing newline. Floor at the end of a row is
 * written `-`: a trailing space would be trimmed on reading, and the cell read back as wall.
 */
export function toBoxoban(level: SokobanLevel): string {
  const rows: string[][] = level.fixed.map((row) => row.map((v) => (v === WALL ? '#' : v === TARGET ? '.' : ' ')));
  for (const [r, c] of level.boxes) rows[r][c] = level.fixed[r][c] === TARGET ? '*' : '$';
  const [pr, pc] = level.player;
  rows[pr][pc] = level.fixed[pr][pc] === TARGET ? '+' : '@';
  for (const row of rows) for (let c = row.length - 1; c >= 0 && row[c] === ' '; c--) row[c] = '-';
  return rows.map((row) => row.join('')).join('\n');
}

/**
 * Parses a level file: levels separated by header lines starting with `;` (`; 0`, `; 1`, ...).
 * A file without headers is read as one level. Errors name the file's line.
 */
export function parseBoxobanFile(text: string): NamedLevel[] {
  const lines = text.replace(/\r/g, '').split('\n');
  const out: NamedLevel[] = [];
  let name: string | null = null;
  let body: string[] = [];
  let bodyStart = 1;
  const flush = () => {
    if (body.some((l) => l.trim() !== '')) {
      out.push({ name: name ?? String(out.length), level: parseBoxoban(body.join('\n'), bodyStart) });
    } else if (name !== null) {
      throw new BoxobanError(`line ${bodyStart - 1}: level "${name}" has no rows`);
    }
  };
  lines.forEach((line, i) => {
    if (line.trimStart().startsWith(';')) {
      flush();
      name = line.trimStart().slice(1).trim() || String(out.length);
      body = [];
      bodyStart = i + 2;
    } else {
      body.push(line);
    }
  });
  flush();
  if (out.length === 0) throw new BoxobanError('line 1: no levels in the file');
  return out;
}
