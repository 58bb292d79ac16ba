/** The strict format check, with the adversarial shapes a policy finds during RL. */
import { expectLinearGrowth } from '../../support/growth.js';
import { describe, expect, it } from 'vitest';
import { formatReward, parseStrictFormat } from '../../../envs/rewards/index.js';

const ok = (s: string) => expect(formatReward(s).total, JSON.stringify(s.slice(0, 80))).toBe(0.5);
const bad = (s: string) => expect(formatReward(s).total, JSON.stringify(s.slice(0, 80))).toBe(0);

describe('formatReward', () => {
  it('pays 0.5 for exactly <think>...</think><answer>...</answer>', () => {
    ok('<think>reasoning</think><answer>42</answer>');
    ok('  \n<think>a</think><answer>b</answer>\n\n'); // surrounding whitespace
    ok('<think>a</think>\n  <answer>b</answer>'); // whitespace between the blocks
    ok('<think></think><answer></answer>'); // empty blocks are still the format (accuracy grades content)
    ok('<think>multi\nline <b>html</b> $x^2$</think><answer>\\boxed{1}</answer>');
    const r = formatReward('<think>a</think><answer>b</answer>');
    expect(r).toEqual({ total: 0.5, format: 0.5, task: 0, bonuses: {}, success: false });
    expect(formatReward('<think>a</think><answer>b</answer>', 2).total).toBe(2);
  });

  it('pays nothing for broken formats', () => {
    bad('');
    bad('42');
    bad('<answer>42</answer>'); // no think
    bad('<think>a</think>'); // no answer
    bad('<think>a</think>text<answer>b</answer>'); // text between the blocks
    bad('<think>a</think><answer>b</answer><answer>c</answer>'); // two answer blocks
    bad('<think>a</think><think>b</think><answer>c</answer>'); // two think blocks
    bad('<think>a<think>b</think></think><answer>c</answer>'); // nested think
    bad('<think>a</think><answer>b<answer>c</answer></answer>'); // nested answer
    bad('<think>a<answer>b</answer></think><answer>c</answer>'); // answer inside think
    bad('<think>a</think><answer>b'); // unclosed answer
    bad('<think>a<answer>b</answer>'); // unclosed think
    bad('<answer>b</answer><think>a</think>'); // wrong order
    bad('Sure! <think>a</think><answer>b</answer>'); // text before
    bad('<think>a</think><answer>b</answer> Hope this helps.'); // text after
    bad('<THINK>a</THINK><ANSWER>b</ANSWER>'); // tags are lower case
    bad('<think>a</think><answer>b</answer></answer>'); // stray closing tag
    bad('<think>a</think></think><answer>b</answer>');
  });

  it('handles unicode around and inside the blocks', () => {
    ok('<think>計算: 2 × 3 = 6 🤔</think><answer>６</answer>');
    ok('\u00a0<think>é</think>\u2003<answer>ü</answer>\u3000'); // unicode whitespace counts as whitespace
    bad('<think>a</think>\u200b<answer>b</answer>'); // zero-width space is not whitespace
  });

  it('parses the blocks', () => {
    expect(parseStrictFormat(' <think> t </think> <answer> a </answer> ')).toEqual({ think: ' t ', answer: ' a ' });
    expect(parseStrictFormat('<think>t</think>x<answer>a</answer>')).toBeNull();
  });

  it('reads 100 KB responses and tag soup right, in time linear in their length', () => {
    ok(`<think>${'word '.repeat(20_000)}</think><answer>7</answer>`);
    const soups: ((n: number) => string)[] = [
      (n) => '<think>'.repeat(n / 7),
      (n) => '<answer>'.repeat(n / 8),
      (n) => `<think>${'</think><answer>'.repeat(n / 16)}`,
      (n) => 'x'.repeat(n),
    ];
    for (const soup of soups) bad(soup(100_000));
    expectLinearGrowth((n) => formatReward(`<think>${'word '.repeat(n / 5)}</think><answer>7</answer>`), 1_600, 'long thinking');
    soups.forEach((soup, i) => expectLinearGrowth((n) => formatReward(soup(n)), 1_600, `soup ${i}`));
  });
});
