/**
 * Game-level dataset export round-trips: each row's label, sent back to the server, rebuilds the
 * level the row was made from (same first observation, byte-identical first frame), and a solving
 * plan for an exported Sokoban level scores 1 through POST /v1/reward.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGameDataset } from '../../../envs/node/game-dataset.js';
import { sokobanPlan, sokobanResponse } from '../../server/fixtures/sokoban-plans.js';
import { startServer, type TestServer } from '../../server/helpers.js';

let s: TestServer;
let dir: string;
beforeAll(async () => {
  s = await startServer();
  dir = mkdtempSync(join(tmpdir(), 'game-dataset-'));
});
afterAll(async () => {
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function rebuilt(label: { env_id: string; seed: number; options: object }): Promise<{ text: string; png: Buffer }> {
  const made = await s.call<{ instance_id: string; observation: { text: string } }>('POST', '/v1/instances', label);
  expect(made.status, JSON.stringify(made.body)).toBe(200);
  const res = await fetch(`${s.url}/v1/instances/${made.body.instance_id}/frame.png`);
  const png = Buffer.from(await res.arrayBuffer());
  await s.call('DELETE', `/v1/instances/${made.body.instance_id}`);
  return { text: made.body.observation.text, png };
}

describe('dataset export of game levels', () => {
  for (const [envId, options] of [
    ['Sokoban-small-v0', {}],
    ['Football-3v1-keeper-v0', { max_actions_per_turn: 2 }],
  ] as const) {
    for (const format of ['openrlhf', 'lmm-r1'] as const) {
      it(`${envId} (${format}): every row's label rebuilds its level`, async () => {
        const out = join(dir, `${envId}-${format}.jsonl`);
        const rows = writeGameDataset(envId, { size: 3, seed: 40, options, format, out });
        const lines = readFileSync(out, 'utf8').trim().split('\n');
        expect(lines).toHaveLength(3);
        for (const line of lines) {
          const row = JSON.parse(line) as Record<string, string | unknown[]>;
          let label: { env_id: string; seed: number; options: object };
          let prompt: string;
          let image: string;
          if (format === 'openrlhf') {
            expect(Object.keys(row).sort()).toEqual(['images', 'input', 'label']);
            label = JSON.parse(row.label as string);
            prompt = (row.input as { content: string }[])[0].content;
            image = (row.images as string[])[0];
            expect(prompt.startsWith('<image>')).toBe(true);
          } else {
            expect(Object.keys(row).sort()).toEqual(['answer', 'message']);
            label = JSON.parse(row.answer as string);
            const content = (JSON.parse(row.message as string) as { content: { type: string; text?: string; image?: string }[] }[])[0].content;
            prompt = content.find((p) => p.type === 'text')!.text!;
            image = content.find((p) => p.type === 'image')!.image!.replace(/^file:\/\//, '');
          }
          expect(label.env_id).toBe(envId);
          expect(label.options).toEqual(options);
          const level = await rebuilt(label);
          expect(prompt).toContain(level.text);
          expect(Buffer.compare(readFileSync(image), level.png)).toBe(0);
        }
        expect(new Set(rows.map((r) => r.label.seed))).toEqual(new Set([40, 41, 42]));
      });
    }
  }

  it('an exported Sokoban label scores a solving plan 1 through /v1/reward, a wrong one 0', async () => {
    const rows = writeGameDataset('Sokoban-small-v0', { size: 2, seed: 7, options: {}, format: 'openrlhf', out: join(dir, 'reward.jsonl') });
    const labels = rows.map((r) => JSON.stringify(r.label));
    const plan = sokobanPlan('Sokoban-small-v0', rows[0].label.seed);
    const query = [sokobanResponse(plan), sokobanResponse(plan)].map((r) => `<|im_start|>user\nplay<|im_end|>\n<|im_start|>assistant\n${r}<|im_end|>`);
    // The first level's plan on both labels: it solves the first, and (a different level) not the second.
    const r = await s.call<{ scores: number[] }>('POST', '/v1/reward', { query, labels });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.scores).toEqual([1, 0]);
  });
});
