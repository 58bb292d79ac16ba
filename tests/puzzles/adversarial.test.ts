/**
 * Verifiers on hostile answers: 100 KB of the shapes that make naive regexes backtrack
 * (long runs that almost match, unclosed brackets, deep nesting). Each must answer quickly: the
 * bound is loose (a shared, busy machine) but a quadratic scan takes a minute on these.
 */
import { describe, expect, it } from 'vitest';
import { makeDataset, PUZZLE_FAMILIES, verifyPuzzle } from '../../envs/puzzles/index.js';
import { answersEquivalent } from '../../envs/puzzles/math/equivalence.js';
import { normaliseAnswer } from '../../envs/puzzles/math/latex.js';
import { HOSTILE } from './hostile.js';


describe('verifiers on hostile 100 KB answers', () => {
  it.each(PUZZLE_FAMILIES.map((f) => [f]))('%s', (family) => {
    const [item] = makeDataset(family, { size: 1, seed: 1, difficulty: 3 });
    for (const answer of HOSTILE) {
      const t0 = performance.now();
      expect(verifyPuzzle(item, `<answer>${answer}</answer>`)).toBe(false);
      expect(verifyPuzzle(item, answer)).toBe(false);
      expect(performance.now() - t0, JSON.stringify(answer.slice(0, 20))).toBeLessThan(1000);
    }
  });

  it('normaliser and equivalence', () => {
    for (const answer of HOSTILE) {
      const t0 = performance.now();
      normaliseAnswer(answer);
      answersEquivalent(answer, '1');
      expect(performance.now() - t0, JSON.stringify(answer.slice(0, 20))).toBeLessThan(1000);
    }
  });
});
