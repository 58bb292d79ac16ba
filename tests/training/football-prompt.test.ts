/**
 * The Football turn prompt moved from training/tasks/football.ts to agent/agents/prompts/football.ts (so
 * that the TinyLMM agent can play Football) without changing a byte: the committed checkpoints were
 * trained on it. The fixture holds the text and the view's pixel hash that the training module
 * built before the move (tests/training/fixtures/football-turn-prompts.json names the commit), for
 * drills and full scenarios, early and late turns, with the default and a wider window.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as shared from '../../agent/agents/index.js';
import * as training from '../../training/tasks/football.js';
import type { ContentPart } from '../../agent/model/index.js';

interface Case {
  task: string;
  seed: number;
  index: number;
  window: number;
  turn: number;
  text: string;
  view: { width: number; height: number; sha256: string };
}
const fixture = JSON.parse(readFileSync('tests/training/fixtures/football-turn-prompts.json', 'utf8')) as { cases: Case[] };

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

  it('training uses the shared builders themselves, not copies', () => {
    expect(training.footballTurnPrompt).toBe(shared.footballTurnPrompt);
    expect(training.footballView).toBe(shared.footballView);
    expect(training.footballLocatePrompt).toBe(shared.footballLocatePrompt);
    expect(training.noteOf).toBe(shared.noteOf);
    expect(training.offeredActions).toBe(shared.offeredActions);
  });
});
