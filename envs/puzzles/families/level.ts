/** Difficulty handling shared by the families. */

/** Clamps a difficulty to 1..5 and rounds it, so a table indexed by it never misses. */
export function level(difficulty: number): 1 | 2 | 3 | 4 | 5 {
  const d = Math.round(Number.isFinite(difficulty) ? difficulty : 1);
  return Math.min(5, Math.max(1, d)) as 1 | 2 | 3 | 4 | 5;
}
