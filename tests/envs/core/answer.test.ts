import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAnswer, type AnswerProtocol } from '../../../envs/index.js';
import { expectLinearGrowth } from '../../support/growth.js';

const sokoban: AnswerProtocol = { actions: ['up', 'down', 'left', 'right'], maxActions: 50 };

describe('parseAnswer', () => {
  it('reads the last answer block, case-insensitive, comma separated', () => {
    const r = parseAnswer('<think>hmm</think><answer>Left, RIGHT ,up</answer>', sokoban);
    expect(r).toMatchObject({ answer_found: true, actions: ['left', 'right', 'up'], invalid_actions: [], action_is_valid: true });
    expect(parseAnswer('<answer>up</answer> then <answer>down</answer>', sokoban).actions).toEqual(['down']);
  });

  it('reports unknown tokens and never throws', () => {
    const r = parseAnswer('<answer>Left, jump, Up.</answer>', sokoban);
    expect(r.actions).toEqual(['left', 'up']);
    expect(r.invalid_actions).toEqual(['jump']);
    expect(r.action_is_valid).toBe(false);
  });

  it('caps the number of actions', () => {
    const r = parseAnswer(`<answer>${Array(60).fill('up').join(',')}</answer>`, sokoban);
    expect(r.actions).toHaveLength(50);
    expect(r.dropped).toBe(10);
  });

  it('reads the whole text when there is no answer block, minus the thinking', () => {
    const r = parseAnswer('<think>left, left</think>down', sokoban);
    expect(r).toMatchObject({ answer_found: false, actions: ['down'] });
  });

  it('never reads inherited object members as aliases', () => {
    const withAliases: AnswerProtocol = { ...sokoban, aliases: { u: 'up' } };
    for (const word of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const r = parseAnswer(`<answer>u, ${word}</answer>`, withAliases);
      expect(r.actions).toEqual(['up']);
      expect(r.invalid_actions).toEqual([word]);
    }
  });

  it('an empty answer is not a valid action', () => {
    expect(parseAnswer('<answer></answer>', sokoban).action_is_valid).toBe(false);
  });

  it('never throws on arbitrary text and keeps its counts consistent', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const r = parseAnswer(text, sokoban);
        expect(r.actions.every((a) => sokoban.actions.includes(a))).toBe(true);
        expect(r.action_is_valid).toBe(r.invalid_actions.length === 0 && r.actions.length > 0);
      }),
    );
  });

  it('round-trips any list of action names', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('up', 'down', 'left', 'right'), { minLength: 1, maxLength: 50 }), (moves) => {
        const text = `<think>x</think><answer>${moves.map((m) => m.toUpperCase()).join(', ')}</answer>`;
        expect(parseAnswer(text, sokoban).actions).toEqual(moves);
      }),
    );
  });
});

describe('parseAnswer on hostile text', () => {
  const shapes: [string, (n: number) => string][] = [
    ['unclosed answer tags', (n) => '<answer>'.repeat(n / 8)],
    ['unclosed think tags', (n) => '<think>'.repeat(n / 7)],
    ['punctuation runs', (n) => `x${'.'.repeat(n)}x`],
    ['whitespace runs', (n) => `<answer>up${' '.repeat(n)}x</answer>`],
  ];
  for (const [name, make] of shapes) {
    it(`grows linearly: ${name}`, () => {
      // The quadratic regexes this replaced took minutes on 100 KB.
      expectLinearGrowth((n) => parseAnswer(make(n), sokoban), 1_600, name);
    });
  }

  it('matches blocks as a lazy regex would', () => {
    expect(parseAnswer('<answer>up<answer>down</answer>left</answer>', sokoban).answer).toBe('up<answer>down');
    expect(parseAnswer('<ANSWER>Up</Answer>', sokoban).actions).toEqual(['up']);
    expect(parseAnswer('<think>a<think>b</think>right</think>', sokoban).invalid_actions).toEqual(['right</think>']);
  });
});
