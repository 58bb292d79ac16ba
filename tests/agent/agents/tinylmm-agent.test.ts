/**
 * The TinyLMM agent on the committed checkpoint: concurrent episodes share one batch, every turn
 * carries the model's text and token usage, the replays verify, and a seeded run repeats exactly.
 * Its prompt is the training prompt for the same level (one builder, agent/agents/prompts/sokoban.ts);
 * Football plays on training's turn prompt (agent/agents/prompts/football.ts, pinned in
 * tests/training/tasks/football/football-prompt.test.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { rolloutEpisode, tinylmmAgent, type Agent, sokobanTextPrompt } from '../../../agent/agents/index.js';
import { make } from '../../../envs/index.js';
import { ReplayRecorder, verifyReplay } from '../../../envs/replay/index.js';
import { itemTaskNamed } from '../../../training/tasks/index.js';
import { sokobanLevel } from '../../../training/tasks/sokoban.js';

const agents: Agent[] = [];
afterAll(async () => {
  for (const a of agents) await a.close?.();
});

async function play(agent: Agent, seeds: number[]) {
  return Promise.all(
    seeds.map(async (seed) => {
      const env = new ReplayRecorder(make('Sokoban-small-v0', { protocol: 'global' }), { agent: { name: agent.name, model: null } });
      const r = await rolloutEpisode(env, agent, seed);
      return { r, replay: env.lastReplay()! };
    }),
  );
}

describe('tinylmm agent', () => {
  it('plays concurrent global-protocol Sokoban episodes whose replays verify, reproducibly', async () => {
    const agent = tinylmmAgent({ dir: 'assets/checkpoints/tiny', temperature: 0.8, topP: 0.95, maxTokens: 64, seed: 5, threads: 2 });
    agents.push(agent);
    const first = await play(agent, [0, 1, 2]);
    for (const { r, replay } of first) {
      expect(r.length).toBe(1); // one answer ends a global-protocol episode
      expect(typeof r.steps[0].text).toBe('string');
      expect(r.steps[0].usage!.completionTokens).toBeGreaterThan(0);
      expect(r.steps[0].usage!.completionTokens).toBeLessThanOrEqual(64);
      expect(replay.steps[0].text).toBe(r.steps[0].text);
      expect(verifyReplay(replay).ok).toBe(true);
    }
    const again = await play(agent, [0, 1, 2]);
    expect(again.map((x) => x.r.steps[0].text)).toEqual(first.map((x) => x.r.steps[0].text));
  }, 60_000);

  it('plays Football turn by turn on the training turn prompt, its replays verifying', async () => {
    const agent = agents[0];
    const env = new ReplayRecorder(make('Football-empty-goal-close-v0', { max_steps: 3 }), { agent: { name: agent.name, model: null } });
    const r = await rolloutEpisode(env, agent, 0);
    expect(r.length).toBeGreaterThanOrEqual(1);
    expect(r.length).toBeLessThanOrEqual(3);
    for (const st of r.steps) {
      expect(typeof st.text).toBe('string');
      // The cropped view's 49 positions and the task line.
      expect(st.usage!.promptTokens).toBeGreaterThan(49 + 60);
    }
    expect(verifyReplay(env.lastReplay()!).ok).toBe(true);
  }, 60_000);

  it('refuses an env it has no prompt for, by name', async () => {
    const obs = make('Sokoban-small-v0').reset({ seed: 0 }).observation;
    await expect(agents[0].act(obs, { history: [], envId: 'Maze-v0' })).rejects.toThrow(/tinylmm agent: Maze-v0 is not supported/);
  });

  it('the prompt is the one the checkpoint was trained on, byte for byte', () => {
    const env = make('Sokoban-small-v0');
    const level = env.reset({ seed: 4 }).observation.state as never;
    const [msg] = sokobanTextPrompt(level);
    // What training asked the checkpoint with: the same builder's text for the same board.
    const trained = itemTaskNamed('sokoban-text-6x6-1', 'this test').item(5, 0).prompt[0].content;
    expect(trained).toBe(sokobanTextPrompt(sokobanLevel('6x6-1', 5, 0).level)[0].content);
    expect(msg.content).toMatch(/^Sokoban\. Push every box onto a target\. Moves: Up, Down, Left, Right\.\n#/);
  });
});
