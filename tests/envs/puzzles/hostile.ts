/**
 * Answers shaped to make naive regexes backtrack (long runs that almost match, unclosed brackets,
 * deep nesting), as functions of a size in characters; shared by the puzzle and reward tests.
 * `HOSTILE` holds them at 100 KB for the correctness checks.
 */
export const HOSTILE_SHAPES: ((n: number) => string)[] = [
  (n) => `${'.'.repeat(n)}x`,
  (n) => `${')'.repeat(n)}x`,
  (n) => `Alice is${' '.repeat(n)}x`,
  (n) => `Alice${' '.repeat(n)}x`,
  (n) => `${'a'.repeat(n)} knight`,
  (n) => '\\text'.repeat(n / 5),
  (n) => '\\text{'.repeat(n / 6),
  (n) => '\\frac{1}'.repeat(n / 8),
  (n) => '('.repeat(n),
  (n) => `${'{'.repeat(n / 2)}${'}'.repeat(n / 2)}`,
  (n) => '1,'.repeat(n / 2),
  (n) => 'Up, '.repeat(n / 4),
  (n) => `${'Up'.repeat(n / 2)};`,
  (n) => `${'\\boxed{'.repeat(n / 7)}`,
  (n) => `${'='.repeat(n)}`,
];

export const HOSTILE = HOSTILE_SHAPES.map((shape) => shape(100_000));
