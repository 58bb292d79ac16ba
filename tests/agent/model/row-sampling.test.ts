// Per-row sampling settings and the per-token callback of generate(): what lets the server put
// several clients' requests in one batch without changing what any of them gets.
import { describe, expect, it } from 'vitest';
import { generate, TinyLMM, initParams } from '../../../agent/model/index.js';
import { microConfig } from './helpers.js';

const config = microConfig({ maxSeqLen: 64 });
const model = new TinyLMM('tiny', config, initParams(config, 3));
const prompts = ['first prompt', 'a second, longer prompt'];

describe('generate with per-row settings', () => {
  it('a row seeded "s:b" draws what row b of a call seeded s draws', async () => {
    const whole = await generate(model, { prompts, seed: 7, temperature: 1, maxNewTokens: 10, stopTokens: [] });
    const swapped = await generate(model, {
      prompts: [prompts[1], prompts[0]],
      rows: [{ seed: '7:1' }, { seed: '7:0' }],
      temperature: 1,
      maxNewTokens: 10,
      stopTokens: [],
    });
    expect(swapped[0].tokens).toEqual(whole[1].tokens);
    expect(swapped[1].tokens).toEqual(whole[0].tokens);
  });

  it('honours each row its own limit, temperature and top-p', async () => {
    const greedy = await generate(model, { prompts, greedy: true, maxNewTokens: 9, stopTokens: [] });
    const mixed = await generate(model, {
      prompts,
      rows: [
        { maxNewTokens: 3, temperature: 0 },
        { maxNewTokens: 9, temperature: 1, topP: 1e-9 }, // top-p that small keeps the top token only
      ],
      stopTokens: [],
    });
    expect(mixed[0].tokens).toEqual(greedy[0].tokens.slice(0, 3));
    expect(mixed[0].finishReason).toBe('length');
    expect(mixed[1].tokens).toEqual(greedy[1].tokens);
  });

  it('reports every token once, in order, with the reason that ended its row', async () => {
    const seen: number[][] = [[], []];
    const ends: (string | null)[] = [null, null];
    const gens = await generate(model, {
      prompts,
      rows: [{ maxNewTokens: 4 }, { maxNewTokens: 6 }],
      seed: 1,
      stopTokens: [],
      onToken: (row, token, finish) => {
        expect(ends[row]).toBeNull(); // nothing after the end
        seen[row].push(token);
        ends[row] = finish;
      },
    });
    expect(seen).toEqual(gens.map((g) => g.tokens));
    expect(ends).toEqual(['length', 'length']);
  });

  it('stopRow ends one row where it stands; the other row draws what it draws alone', async () => {
    const whole = await generate(model, { prompts, seed: 5, temperature: 1, maxNewTokens: 12, stopTokens: [] });
    const asked: number[] = [];
    const seen: number[][] = [[], []];
    const cut = await generate(model, {
      prompts,
      seed: 5,
      temperature: 1,
      maxNewTokens: 12,
      stopTokens: [],
      onToken: (row, token) => seen[row].push(token),
      stopRow: (row) => {
        asked.push(row);
        return row === 1 && seen[1].length === 4;
      },
    });
    expect(cut[1].tokens).toEqual(whole[1].tokens.slice(0, 4));
    expect(cut[1].finishReason).toBe('length');
    expect(cut[0].tokens).toEqual(whole[0].tokens);
    expect(seen).toEqual(cut.map((g) => g.tokens));
    // Asked once a step for each row still generating, never again for a stopped row.
    expect(asked.filter((r) => r === 1)).toHaveLength(5);
    expect(asked.filter((r) => r === 0)).toHaveLength(12);
  });

  it('refuses a row list of the wrong length', async () => {
    await expect(generate(model, { prompts, rows: [{}] })).rejects.toThrow(/1 row settings for 2 rows/);
  });
});
