/** 100 KB answers shaped to make naive regexes backtrack; shared by the puzzle and reward tests. */
export const HOSTILE = [
  `${'.'.repeat(100_000)}x`,
  `${')'.repeat(100_000)}x`,
  `Alice is${' '.repeat(100_000)}x`,
  `Alice${' '.repeat(100_000)}x`,
  `${'a'.repeat(100_000)} knight`,
  '\\text'.repeat(20_000),
  '\\text{'.repeat(16_000),
  '\\frac{1}'.repeat(12_000),
  '('.repeat(100_000),
  `${'{'.repeat(50_000)}${'}'.repeat(50_000)}`,
  '1,'.repeat(50_000),
  'Up, '.repeat(25_000),
  `${'Up'.repeat(50_000)};`,
  `${'\\boxed{'.repeat(14_000)}`,
  `${'='.repeat(100_000)}`,
];
