/**
 * The TinyLMM agent on the committed checkpoint: concurrent episodes share one batch, every turn
 * carries the model's text and token usage, the replays verify, and a seeded run repeats exactly.
 * Its prompt is the training prompt for the same level (one builder, agent/prompts/sokoban.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { rolloutEpisode } from '../../agent/baselines/rollout.js';
import { tinylmmAgent } from '../../agent/tinylmm-agent.js';
import type { Agent } from '../../agent/baselines/agent.js';
import { make } from '../../envs/index.js';
import { ReplayRecorder, verifyReplay } from '../../envs/replay/index.js';
import { sokobanTextPrompt as trainingPrompt } from '../../training/tasks/sokoban.js';
import { sokobanTextPrompt } from '../../agent/prompts/sokoban.js';

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

  it('refuses a Football id by name', async () => {
    const agent = agents[0];
    await expect(rolloutEpisode(make('Football-empty-goal-close-v0'), agent, 0)).rejects.toThrow(/tinylmm agent: Football-empty-goal-close-v0 is not supported yet/);
  });

  it('the prompt is the one the checkpoint was trained on, byte for byte', () => {
    const env = make('Sokoban-small-v0');
    const level = env.reset({ seed: 4 }).observation.state as never;
    const [msg] = sokobanTextPrompt(level);
    expect(trainingPrompt).toBe(sokobanTextPrompt);
    expect(msg.content).toMatch(/^Sokoban\. Push every box onto a target\. Moves: Up, Down, Left, Right\.\n#/);
  });
});
