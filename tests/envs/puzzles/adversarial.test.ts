/**
 * Verifiers on hostile answers: 100 KB of the shapes that make naive regexes backtrack
 * (long runs that almost match, unclosed brackets, deep nesting). Each must give the right answer,
 * and in time that grows linearly with the answer (a quadratic scan took a minute on these).
 */
import { describe, expect, it } from 'vitest';
import { makeDataset, PUZZLE_FAMILIES, verifyPuzzle } from '../../../envs/puzzles/index.js';
import { answersEquivalent } from '../../../envs/puzzles/math/equivalence.js';
import { normaliseAnswer } from '../../../envs/puzzles/math/latex.js';
import { expectLinearGrowth } from '../../support/growth.js';
import { HOSTILE, HOSTILE_SHAPES } from './hostile.js';


describe('verifiers on hostile 100 KB answers', () => {
  it.each(PUZZLE_FAMILIES.map((f) => [f]))('%s', (family) => {
    const [item] = makeDataset(family, { size: 1, seed: 1, difficulty: 3 });
    for (const answer of HOSTILE) {
      expect(verifyPuzzle(item, `<answer>${answer}</answer>`)).toBe(false);
      expect(verifyPuzzle(item, answer)).toBe(false);
    }
    HOSTILE_SHAPES.forEach((shape, i) => expectLinearGrowth((n) => verifyPuzzle(item, `<answer>${shape(n)}</answer>`), 1_600, `shape ${i}`));
  });

  it('normaliser and equivalence', () => {
    for (const answer of HOSTILE) expect(answersEquivalent(answer, '1')).toBe(false);
    HOSTILE_SHAPES.forEach((shape, i) =>
      expectLinearGrowth(
        (n) => {
          const answer = shape(n);
          normaliseAnswer(answer);
          answersEquivalent(answer, '1');
        },
        // 1,600 to 102,400 characters, as the verifier checks above: the same growth question at a
        // sixteenth of the work (at 25,000 this test took 25 s under load).
        1_600,
        `shape ${i}`,
      ),
    );
  });
});
