/**
 * A rollout batch as OpenRLHF sends it to `POST /v1/reward`: `prompts` groups of `samples`
 * responses each, the groups a mix of text Sokoban levels (labels name the level; the samples
 * play the solver's plan, half of it, a wrong plan, or break the format), math items (gold answers
 * from integers to LaTeX fractions, radicals and formulas; answers right in another form, wrong,
 * or unformatted) and puzzle items of every family (labels name the item). Deterministic, so the
 * benchmark (`npm run bench:server -- --reward-only`) and the worker tests grade the same batch.
 */
import { GameEnv, make } from '../../envs/index.js';
import { makePuzzle, PUZZLE_FAMILIES, puzzleLabel } from '../../envs/puzzles/index.js';
import type { SokobanState } from '../../envs/sokoban/types.js';

export interface RewardBatch {
  query: string[];
  prompts: string[];
  labels: string[];
}

const MOVES = ['Noop', 'Up', 'Down', 'Left', 'Right'];

/** Gold answer, an equal answer in another form, a wrong one. */
const MATH: [string, string, string][] = [
  ['42', '42', '41'],
  ['\\frac{3}{4}', '0.75', '\\frac{4}{3}'],
  ['$\\frac{\\sqrt{3}}{2}$', '\\frac{1}{2}\\sqrt{3}', '\\frac{\\sqrt{2}}{2}'],
  ['2\\sqrt{5}', '\\sqrt{20}', '4\\sqrt{5}'],
  ['\\frac{\\pi}{3}', '\\pi/3', '\\frac{\\pi}{6}'],
  ['x^2 + 2x + 1', '(x+1)^2', 'x^2 + 1'],
  ['-7', '-7.0', '7'],
  ['120^\\circ', '120', '60'],
];

/** Reasoning text of roughly `chars` characters (responses are hundreds of tokens). */
function thinking(chars: number, seed: number): string {
  const words = ['first', 'the', 'box', 'target', 'so', 'then', 'check', 'value', 'because', 'left', 'answer', 'again', 'wall', 'sum'];
  let out = '';
  for (let i = 0; out.length < chars; i++) out += `${words[(seed * 7 + i * 13) % words.length]} `;
  return out.trimEnd();
}

function response(reason: string, answer: string): string {
  return `<think>${reason}</think><answer>${answer}</answer>`;
}

function chatml(prompt: string, reply: string): { query: string; prompt: string } {
  const templated = `<|im_start|>system\nThink first, then answer inside <answer></answer>.<|im_end|>\n<|im_start|>user\n${prompt}<|im_end|>\n<|im_start|>assistant\n`;
  return { query: `${templated}${reply}<|im_end|>`, prompt: templated };
}

/** `seedBase` picks other levels and items: a new batch of the same mix (nothing cached yet). */
export function rewardBatch(prompts: number, samples: number, seedBase = 0): RewardBatch {
  const batch: RewardBatch = { query: [], prompts: [], labels: [] };
  const push = (prompt: string, reply: string, label: string) => {
    const q = chatml(prompt, reply);
    batch.query.push(q.query);
    batch.prompts.push(q.prompt);
    batch.labels.push(label);
  };
  for (let g = 0; g < prompts; g++) {
    const kind = g % 3;
    if (kind === 0) {
      // Text Sokoban: small boards and, one group in four, 10x10 ones (costlier to generate).
      const envId = g % 4 === 0 ? 'Sokoban-v0' : 'Sokoban-small-v0';
      const seed = 1000 + seedBase + g;
      const env = make(envId, {});
      if (!(env instanceof GameEnv)) throw new Error(`${envId} is not a GameEnv`);
      const { observation } = env.reset({ seed });
      const plan = ((env.currentState() as SokobanState).solution?.plan ?? []).map((m) => MOVES[m]);
      env.close();
      const board = observation.text;
      const label = JSON.stringify({ env_id: envId, seed, options: {} });
      for (let s = 0; s < samples; s++) {
        const reason = thinking(600 + 40 * s, g + s);
        const variant = s % 4;
        const moves = variant === 0 ? plan : variant === 1 ? plan.slice(0, Math.ceil(plan.length / 2)) : [...plan].reverse();
        push(`Push every box onto a target.\n${board}`, variant === 3 ? `I think ${moves.join(' ')}` : response(reason, moves.join(', ')), label);
      }
    } else if (kind === 1) {
      const [gold, equal, wrong] = MATH[g % MATH.length];
      for (let s = 0; s < samples; s++) {
        const reason = thinking(500 + 30 * s, g + s);
        const variant = s % 4;
        const answer = variant === 0 ? gold.replace(/^\$|\$$/g, '') : variant === 1 ? `\\boxed{${equal}}` : wrong;
        push(`Problem ${seedBase + g}: compute the value.`, variant === 3 ? `The answer is ${answer}.` : response(reason, answer), gold);
      }
    } else {
      const family = PUZZLE_FAMILIES[Math.floor(g / 3) % PUZZLE_FAMILIES.length];
      const item = makePuzzle(family, 1 + (g % 5), 7 + seedBase, g);
      const label = puzzleLabel(item);
      const question = item.prompt.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');
      for (let s = 0; s < samples; s++) {
        const reason = thinking(500 + 30 * s, g + s);
        const variant = s % 4;
        const answer = variant <= 1 ? item.answer : `${item.answer} 1`;
        push(question, variant === 3 ? answer : response(reason, answer), label);
      }
    }
  }
  return batch;
}
