// The solver as a teacher on hand-made plans: DAgger's relabel from the state before a plan's first
// mistake (a detour, a move that moves nothing, a push into a deadlock, a plan that stops early, a
// plan that solves the long way), none for an optimal one; and what a round keeps of a prompt's answers.
import { describe, expect, it } from 'vitest';
import { sokobanTextPrompt } from '../../../agent/agents/index.js';
import { simulateSokoban } from '../../../envs/sokoban/index.js';
import { roundSummary, shortestSuccess, teach } from '../../../training/stages/ei-round.js';
import { task } from '../../../training/tasks/index.js';
import { answerMoves, daggerRelabel } from '../../../training/tasks/sokoban-dagger.js';
import { sokobanPlanSource } from '../../../training/tasks/sokoban-source.js';
import { after, D, L, LEVEL, OPTIMAL, R, U } from './one-box-level.js';

const NAME = ['', 'Up', 'Down', 'Left', 'Right'];
const answer = (moves: number[], think = 'plan') => `<think>${think}</think><answer>${moves.map((m) => NAME[m]).join(', ')}</answer>`;


describe('DAgger relabel', () => {
  it('a plan that goes wrong at move m is relabelled from the state before m with an optimal plan that solves it', () => {
    // Left (optimal), then Right: back where it started, the distance up instead of down (and one push short).
    const r = daggerRelabel(LEVEL, [L, R, L, L, U, R])!;
    expect(r).toMatchObject({ move: 1, mistake: 'detour' });
    expect(r.state).toEqual(after([L]));
    expect(r.plan).toHaveLength(OPTIMAL.length - 1);
    expect(simulateSokoban(r.state, r.plan).solved).toBe(true);
  });

  it('a push into a deadlock relabels from the last solvable state on the path', () => {
    // Left puts you under the box; Up pushes it against the top wall, off every target's row.
    const r = daggerRelabel(LEVEL, [L, U, R, R])!;
    expect(r).toMatchObject({ move: 1, mistake: 'deadlock' });
    expect(r.state).toEqual(after([L]));
    expect(r.plan).toEqual([L, U, R, R]);
  });

  it('a move that moves nothing, and a plan that stops short, are mistakes too', () => {
    expect(daggerRelabel(LEVEL, [L, D])).toMatchObject({ move: 1, mistake: 'illegal', state: after([L]) });
    const short = daggerRelabel(LEVEL, [L, L])!;
    expect(short).toMatchObject({ move: 2, mistake: 'short', state: after([L, L]), plan: [U, R, R] });
    expect(daggerRelabel(LEVEL, [])).toMatchObject({ move: 0, mistake: 'short', state: LEVEL });
  });

  it('an optimal plan gives no relabel; one that solves the long way is relabelled at its detour', () => {
    expect(daggerRelabel(LEVEL, OPTIMAL)).toBeNull();
    expect(daggerRelabel(LEVEL, [...OPTIMAL, L, L])).toBeNull(); // moves after the solve are never played
    // A step too far left first: solved in 7 where 5 do, so the third Left is the detour.
    const long = daggerRelabel(LEVEL, [L, L, L, U, R, R, R])!;
    expect(long).toMatchObject({ move: 2, mistake: 'detour', state: after([L, L]), plan: [U, R, R] });
  });

  it("an answer's moves are those the verifier plays: none when it refuses the answer", () => {
    expect(answerMoves(answer([L, U]))).toEqual([L, U]);
    expect(answerMoves('<think>x</think><answer>Left, Jump</answer>')).toEqual([]);
    expect(answerMoves('Left, Up')).toEqual([]);
  });
});

/** A plan that solves in 7 moves where 5 do. */
const answers7 = () => answer([L, L, L, U, R, R, R]);

describe('what a round keeps of a prompt', () => {
  const source = sokobanPlanSource('sokoban-text-7x7-2')!;
  const draw = { item: source.itemAt('level-key', LEVEL, OPTIMAL), key: 'level-key', level: LEVEL, plan: OPTIMAL };

  it('the shortest verified answer among the sampled ones: fewest moves, then the shortest text', () => {
    const answers = [answer([L, L]), answer([L, L, L, U, R, R, R]), answer(OPTIMAL, 'a longer thought'), answer(OPTIMAL), 'Left', answer(OPTIMAL, 'x')];
    expect(shortestSuccess(draw.item, LEVEL, answers)).toEqual({ answer: answers[5], moves: 5, index: 5 });
    expect(shortestSuccess(draw.item, LEVEL, answers.slice(0, 2))).toEqual({ answer: answers[1], moves: 7, index: 1 });
    expect(shortestSuccess(draw.item, LEVEL, [answers[0], answers[4]])).toBeNull();
    // Moves after the solving one are never played: counted out and cut from the trace.
    expect(shortestSuccess(draw.item, LEVEL, [answers[1], answer([...OPTIMAL, L, D, D, U])])).toEqual({ answer: answer(OPTIMAL), moves: 5, index: 1 });
    const kept = teach(source, draw, answer([L, R]), [answers[1], answers[3]]);
    expect(kept).toMatchObject({ from: 'success', greedySuccess: false, sampledSuccess: true, solved: { moves: 5, optimal: 5 } });
    expect(kept.item!.trace).toBe(answers[3]);
    expect(kept.item!.prompt).toEqual(draw.item.prompt);
  });

  it('a success the long way is not kept: the greedy plan is relabelled at its first detour instead', () => {
    const out = teach(source, draw, answer([L, L, L, U, R, R, R]), [answers7(), answer([R])]);
    expect(out).toMatchObject({ from: 'dagger', greedySuccess: true, solved: { moves: 7, optimal: 5 }, relabel: { move: 2, mistake: 'detour' } });
    expect(out.item!.prompt).toEqual(sokobanTextPrompt(after([L, L])));
    expect(out.item!.trace).toBe('<think>@ 3,2 $ 2,3 . 2,5</think><answer>Up, Right, Right</answer>');
  });

  it('without a success, the greedy plan is relabelled: the prompt of the state it reached, the solver plan as the trace, the level key kept', () => {
    const out = teach(source, draw, answer([L, U, R]), [answer([R]), 'no answer']);
    expect(out).toMatchObject({ from: 'dagger', greedySuccess: false, sampledSuccess: false, relabel: { move: 1, mistake: 'deadlock' } });
    const item = out.item!;
    expect(item.key).toBe('level-key');
    expect(item.prompt).toEqual(sokobanTextPrompt(after([L])));
    expect(item.trace).toBe('<think>@ 3,3 $ 2,3 . 2,5</think><answer>Left, Up, Right, Right</answer>');
    expect(item.reward(item.trace).success).toBe(true);
  });
});

describe("a round's line", () => {
  it('pass@1 and pass@k over the prompts, items by origin, kept plans against optimal, mistakes by kind', () => {
    const source = sokobanPlanSource('sokoban-text-7x7-2')!;
    const draw = { item: source.itemAt('k', LEVEL, OPTIMAL), key: 'k', level: LEVEL, plan: OPTIMAL };
    const outcomes = [
      teach(source, draw, answers7(), [answer([L]), answer([L])]), // greedy solved in 7: relabelled at move 2
      teach(source, draw, answer([L, U]), [answer(OPTIMAL), answer([R])]), // one sample solved, 5 moves: kept
      teach(source, draw, answer([L, U]), [answer([R]), answer([R])]), // a push into a deadlock at move 1
    ];
    expect(roundSummary(outcomes, 2)).toMatchObject({
      prompts: 3,
      'pass@1': 1 / 3,
      'pass@2': 1 / 3,
      items_success: 1,
      items_dagger: 2,
      items_none: 0,
      solved_moves: 6,
      solved_optimal_moves: 5,
      dagger_from_move: 1.5,
      mistakes: { detour: 1, illegal: 0, deadlock: 1, short: 0 },
      by_task: { 'sokoban-text-7x7-2': { 'pass@1': 1 / 3, 'pass@2': 1 / 3 } },
    });
  });
});

describe('the levels behind plan tasks', () => {
  it('item i of seed s is the task\'s own, and its plan solves its start', () => {
    for (const name of ['sokoban-text-7x7-2', 'sokoban-text-6x6-1-pushes', 'sokoban-text-7x7-2-last2', 'sokoban-image-7x7-2-last3-read', 'sokoban-image-7x7-1-read']) {
      const t = task(name);
      const s = sokobanPlanSource(name)!;
      expect(s.vision, name).toBe(t.vision);
      for (const i of [0, 3]) {
        const d = s.draw(7, i);
        const it = t.kind === 'items' ? t.item(7, i) : null;
        expect({ key: d.item.key, prompt: d.item.prompt, trace: d.item.trace }, name).toEqual({ key: it!.key, prompt: it!.prompt, trace: it!.trace });
        expect(d.key).toBe(d.item.key);
        expect(simulateSokoban(d.level, d.plan).solved, name).toBe(true);
      }
    }
    for (const name of ['sokoban-locate-7x7-2', 'sokoban-text-7x7-2-read', 'sokoban-text-7x7-2-last9', 'sokoban-text-9x9-2', 'countdown-d1']) expect(sokobanPlanSource(name), name).toBeNull();
  });
});
