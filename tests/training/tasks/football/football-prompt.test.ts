/**
 * The Football turn prompt moved from training/tasks/football.ts to agent/agents/prompts/football.ts (so
 * that the TinyLMM agent can play Football) without changing a byte: the committed checkpoints were
 * trained on it. The fixture holds the text and the view's pixel hash that the training module
 * built before the move (fixtures/football-turn-prompts.json beside this file names the commit), for
 * drills and full scenarios, early and late turns, with the default and a wider window.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as shared from '../../../../agent/agents/index.js';
import * as training from '../../../../training/tasks/football/task.js';
import { itemTaskNamed } from '../../../../training/tasks/index.js';
import type { ContentPart } from '../../../../agent/model/index.js';

interface Case {
  task: string;
  seed: number;
  index: number;
  window: number;
  turn: number;
  text: string;
  view: { width: number; height: number; sha256: string };
}
const fixture = JSON.parse(readFileSync('tests/training/tasks/football/fixtures/football-turn-prompts.json', 'utf8')) as { cases: Case[] };

describe('the shared Football turn prompt', () => {
  it('is byte-identical to what training built before the move', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(16);
    for (const c of fixture.cases) {
      const task = training.parseFootballTask(c.task)!;
      const start = training.footballStart(task, c.seed, c.index);
      expect(start.turn).toBe(c.turn);
      const [message] = shared.footballTurnPrompt(shared.footballView(start.observation), task.scenario, start.turn, task.turns, start.history, c.window);
      const parts = message.content as ContentPart[];
      const text = parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('');
      const image = parts.flatMap((p) => (p.type === 'image' ? [p.image] : []));
      const where = `${c.task} seed ${c.seed} index ${c.index} window ${c.window}`;
      expect(text, where).toBe(c.text);
      expect(image, where).toHaveLength(1);
      expect({ width: image[0].width, height: image[0].height, sha256: createHash('sha256').update(image[0].data).digest('hex') }, where).toEqual(c.view);
    }
  });

  it('an agent builds the same prompt from the env observation alone (turn, limit and scenario from the raw state)', () => {
    for (const c of fixture.cases) {
      const task = training.parseFootballTask(c.task)!;
      const start = training.footballStart(task, c.seed, c.index);
      const [message] = shared.footballTurnPromptOf(start.observation, start.history, c.window);
      const text = (message.content as ContentPart[]).flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('');
      expect(text, `${c.task} seed ${c.seed} index ${c.index}`).toBe(c.text);
    }
  });

  it('the fixture covers past-turn windows and the full action list, not only first turns of drills', () => {
    expect(fixture.cases.some((c) => /\nturn \d+: /.test(c.text))).toBe(true);
    expect(fixture.cases.some((c) => c.text.includes('short_pass'))).toBe(true);
    expect(new Set(fixture.cases.map((c) => c.view.sha256)).size).toBeGreaterThan(8);
  });

  it("training's act and locate items ask with the shared builders' prompts", () => {
    const textOf = (m: { content: string | ContentPart[] }) => (m.content as ContentPart[]).flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('');
    for (const name of ['football-act-empty-goal', 'football-locate-empty-goal']) {
      const items = itemTaskNamed(name, 'this test');
      const task = training.parseFootballTask(name)!;
      for (let i = 0; i < 4; i++) {
        const start = training.footballStart(task, 3, i);
        const view = shared.footballView(start.observation);
        const [want] = task.kind === 'act' ? shared.footballTurnPrompt(view, task.scenario, start.turn, task.turns, start.history) : shared.footballLocatePrompt(view);
        expect(textOf(items.item(3, i).prompt[0]), `${name} ${i}`).toBe(textOf(want));
      }
    }
  });
});
