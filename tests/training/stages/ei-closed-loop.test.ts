// Expert iteration's closed-loop rollout without a model: moves judged beside the solver one a turn,
// the states picked to teach from on hand-made paths (a detour, a push into a deadlock, a move that
// moves nothing, a loop, an all-optimal path), episodes played turn by turn under scripted answers
// with the prompt of the board each turn stands on, the round's figures, and the config keys.
import { describe, expect, it } from 'vitest';
import { sokobanImagePrompt, sokobanTextPrompt } from '../../../agent/agents/index.js';
import { simulateSokoban } from '../../../envs/sokoban/index.js';
import { checkConfig, defaultConfig, mergeConfig } from '../../../training/config.js';
import { closedLoopSummary, playClosedLoop, type TurnPolicy } from '../../../training/stages/ei-closed-loop.js';
import type { PromptItem } from '../../../training/tasks/index.js';
import { onlineMove, pickStates, walkPath } from '../../../training/tasks/sokoban-closed-loop.js';
import { solverPlan } from '../../../training/tasks/sokoban-dagger.js';
import { sokobanPlanSource } from '../../../training/tasks/sokoban-source.js';
import { after, D, L, LEVEL, OPTIMAL, R, U } from './one-box-level.js';

const NAME = ['Noop', 'Up', 'Down', 'Left', 'Right'];
const answer = (moves: number[]) => `<think>plan</think><answer>${moves.map((m) => NAME[m]).join(', ')}</answer>`;

/** A detour at turn 2 (a third Left), then the way from there: solved in 7 where 5 do. */
const DETOUR = [L, L, L, U, R, R, R];

describe('the states a closed-loop path teaches from', () => {
  it('a detour at turn 2 gives one item there, with an optimal plan that solves from it', () => {
    const path = walkPath(LEVEL, DETOUR, 40, solverPlan)!;
    expect(path.end).toBe('solved');
    expect(path.steps.map((s) => s.verdict)).toEqual(['optimal', 'optimal', 'detour', 'optimal', 'optimal', 'optimal', 'optimal']);
    const picked = pickStates(path.steps, { mistakes: 4, correct: 0 });
    expect(picked).toHaveLength(1);
    expect(picked[0]).toMatchObject({ turn: 2, mistake: 'detour', state: after([L, L]), plan: [U, R, R] });
    expect(simulateSokoban(picked[0].state, picked[0].plan).solved).toBe(true);
  });

  it('a push into a deadlock ends the episode and teaches from the last solvable state', () => {
    // Left puts you under the box; Up pushes it against the top wall, off every target's row.
    const path = walkPath(LEVEL, [L, U, R, R], 40, solverPlan)!;
    expect(path.end).toBe('deadlock');
    expect(path.steps).toHaveLength(2);
    const [p] = pickStates(path.steps, { mistakes: 4, correct: 0 });
    expect(p).toMatchObject({ turn: 1, mistake: 'deadlock', state: after([L]), plan: [L, U, R, R] });
    expect(simulateSokoban(p.state, p.plan).solved).toBe(true);
  });

  it('an all-optimal path gives no item; moves after the solve are never played', () => {
    const path = walkPath(LEVEL, [...OPTIMAL, L, L], 40, solverPlan)!;
    expect(path).toMatchObject({ end: 'solved' });
    expect(path.steps).toHaveLength(5);
    expect(pickStates(path.steps, { mistakes: 4, correct: 0 })).toEqual([]);
  });

  it('a move that moves nothing, or back onto a state stood on, is a loop greedy play would repeat: it ends there', () => {
    const stuck = walkPath(LEVEL, [D, L], 40, solverPlan)!; // Down into the wall
    expect(stuck).toMatchObject({ end: 'loop', state: LEVEL });
    expect(pickStates(stuck.steps, { mistakes: 4, correct: 0 })).toMatchObject([{ turn: 0, mistake: 'illegal', state: LEVEL, plan: OPTIMAL }]);
    const back = walkPath(LEVEL, [L, R, L], 40, solverPlan)!;
    expect(back.end).toBe('loop');
    expect(back.steps.map((s) => s.verdict)).toEqual(['optimal', 'detour']);
    expect(walkPath(LEVEL, [L, L, L], 2, solverPlan)).toMatchObject({ end: 'turns' });
    expect(walkPath(LEVEL, [L, L], 40, solverPlan)).toMatchObject({ end: null }); // still running
  });

  it('bounds an episode\'s items: mistakes the earliest first, states played right spread along the path', () => {
    // Two optimal, a detour (3,1), Up (optimal from there), Left into the wall (moves nothing).
    const path = walkPath(LEVEL, [L, L, L, U, L], 40, solverPlan)!;
    expect(path.steps.map((s) => s.verdict)).toEqual(['optimal', 'optimal', 'detour', 'optimal', 'illegal']);
    const turns = (o: { mistakes: number; correct: number }) => pickStates(path.steps, o).map((p) => [p.turn, p.mistake]);
    expect(turns({ mistakes: 1, correct: 0 })).toEqual([[2, 'detour']]);
    expect(turns({ mistakes: 4, correct: 0 })).toEqual([[2, 'detour'], [4, 'illegal']]);
    expect(turns({ mistakes: 1, correct: 1 })).toEqual([[1, null], [2, 'detour']]);
    expect(turns({ mistakes: 0, correct: 3 })).toEqual([[0, null], [1, null], [3, null]]);
  });

  it("reads an answer's first move as the online env does, the idle action when it names none", () => {
    expect(onlineMove(answer([L, U]))).toEqual({ move: L, read: true });
    expect(onlineMove('<think>x</think><answer>Jump, right</answer>')).toEqual({ move: R, read: true });
    expect(onlineMove('no move here')).toEqual({ move: 0, read: false });
  });
});

describe('closed-loop episodes under scripted answers', () => {
  const text = sokobanPlanSource('sokoban-text-7x7-2')!;
  const frames = sokobanPlanSource('sokoban-image-7x7-2-read')!;
  // Each episode's key names it, so a scripted answer knows whose turn it answers.
  const draw = (s: typeof text, key: string) => ({ item: s.itemAt(key, LEVEL, OPTIMAL), key, level: LEVEL, plan: OPTIMAL });
  const prompts = [
    { source: text, draw: draw(text, 'e0'), script: DETOUR },
    { source: frames, draw: draw(frames, 'e1'), script: OPTIMAL },
    { source: text, draw: draw(text, 'e2'), script: [L, U] },
  ];

  it('one call a task a turn over its running episodes, each prompt the board the episode stands on; items where a move went wrong', async () => {
    const calls: [string, number, number][] = [];
    // Each episode answers the rest of its script from the turn (only the first move is played).
    const policy: TurnPolicy = async (task, turn, items: readonly PromptItem[]) => {
      calls.push([task, turn, items.length]);
      return items.map((it) => {
        const script = prompts[Number(it.key.slice(1))].script;
        const state = simulateSokoban(LEVEL, script.slice(0, turn)).state;
        expect(it.prompt).toEqual(task === text.name ? sokobanTextPrompt(state) : sokobanImagePrompt(state));
        return answer(script.slice(turn));
      });
    };
    const out = await playClosedLoop(prompts, { maxTurns: 40, itemsPerEpisode: 4, correctPerEpisode: 0 }, policy);
    expect(out.map((o) => [o.end, o.turns])).toEqual([['solved', 7], ['solved', 5], ['deadlock', 2]]);
    expect(out.map((o) => o.moves)).toEqual([DETOUR, OPTIMAL, [L, U]]);
    // Turns 0 and 1 batch both text episodes; from turn 2 only the detouring one runs.
    expect(calls.slice(0, 4)).toEqual([['sokoban-text-7x7-2', 0, 2], ['sokoban-image-7x7-2-read', 0, 1], ['sokoban-text-7x7-2', 1, 2], ['sokoban-image-7x7-2-read', 1, 1]]);
    expect(calls.filter((c) => c[0] === 'sokoban-text-7x7-2').map((c) => c[2])).toEqual([2, 2, 1, 1, 1, 1, 1]);

    const [detour, optimal, deadlock] = out;
    expect(optimal.items).toEqual([]);
    expect(detour.items).toHaveLength(1);
    expect(detour.items[0].key).toBe('e0');
    expect(detour.items[0].prompt).toEqual(sokobanTextPrompt(after([L, L])));
    expect(detour.items[0].trace).toBe('<think>@ 3,2 $ 2,3 . 2,5</think><answer>Up, Right, Right</answer>');
    expect(detour.items[0].reward(detour.items[0].trace).success).toBe(true);
    expect(deadlock.items[0].prompt).toEqual(sokobanTextPrompt(after([L])));
    expect(deadlock.items[0].trace).toBe('<think>@ 3,3 $ 2,3 . 2,5</think><answer>Left, Up, Right, Right</answer>');

    expect(closedLoopSummary(out)).toMatchObject({
      rollout: 'closed-loop',
      prompts: 3,
      closed_loop_success: 2 / 3,
      first_move_accuracy: 12 / 14,
      closed_loop_turns: 6,
      closed_loop_optimal_turns: 5,
      episodes_optimal: 1,
      ends: { solved: 2, deadlock: 1, loop: 0, turns: 0, unsolvable: 0 },
      moves_played: 14,
      answers_unread: 0,
      items_dagger: 2,
      items_correct: 0,
      items_none: 1,
      dagger_from_move: 1.5,
      mistakes: { detour: 1, illegal: 0, deadlock: 1 },
      by_task: { 'sokoban-text-7x7-2': { closed_loop_success: 0.5, first_move_accuracy: 7 / 9 }, 'sokoban-image-7x7-2-read': { closed_loop_success: 1, first_move_accuracy: 1 } },
    });
  });

  it('answers that name no move play the idle action: a loop at once, taught from the start', async () => {
    const out = await playClosedLoop(prompts.slice(0, 1), { maxTurns: 40, itemsPerEpisode: 2, correctPerEpisode: 0 }, async (_t, _n, items) => items.map(() => 'nothing'));
    expect(out[0]).toMatchObject({ end: 'loop', turns: 1, unread: 1, verdicts: ['illegal'] });
    expect(out[0].items[0].prompt).toEqual(sokobanTextPrompt(LEVEL));
    expect(closedLoopSummary(out)).toMatchObject({ answers_unread: 1, first_move_accuracy: 0, closed_loop_turns: null, mistakes: { illegal: 1 } });
  });
});

describe('closed-loop config', () => {
  it('defaults to the plan rollout; the closed-loop keys merge and are checked by name', () => {
    expect(defaultConfig().ei).toMatchObject({ rollout: 'plan', maxTurns: 40, itemsPerEpisode: 2, correctPerEpisode: 0 });
    expect(checkConfig(mergeConfig(defaultConfig(), { ei: { rollout: 'closed-loop', maxTurns: 20 } })).ei).toMatchObject({ rollout: 'closed-loop', maxTurns: 20 });
    const bad = (patch: unknown) => () => checkConfig(mergeConfig(defaultConfig(), patch));
    expect(bad({ ei: { rollout: 'online' } })).toThrow(/ei\.rollout must be one of plan, closed-loop/);
    expect(bad({ ei: { maxTurns: 0 } })).toThrow(/ei\.maxTurns must be a whole number >= 1/);
    expect(bad({ ei: { itemsPerEpisode: 1.5 } })).toThrow(/ei\.itemsPerEpisode/);
    expect(bad({ ei: { correctPerEpisode: -1 } })).toThrow(/ei\.correctPerEpisode/);
    expect(() => mergeConfig(defaultConfig(), { ei: { rollout: 1 } })).toThrow(/config\.ei\.rollout: expected string/);
  });
});
