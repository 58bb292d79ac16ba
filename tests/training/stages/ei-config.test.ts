// The expert iteration stage in train:agent's config: its place among the stages, its keys merged
// strictly, its values checked with errors that name them, its seed and flag.
import { describe, expect, it } from 'vitest';
import { checkConfig, defaultConfig, mergeConfig, withSeed, WARM_START } from '../../../training/config.js';
import { resolveConfig } from '../../../training/flags.js';

const bad = (patch: unknown) => () => checkConfig(mergeConfig(defaultConfig(), patch));

describe('ei config', () => {
  it('runs between the base and the RL stages, only when named', () => {
    expect(checkConfig(defaultConfig()).stages).toEqual(['fre', 'mgt']);
    expect(checkConfig(mergeConfig(defaultConfig(), { stages: ['sft', 'ei', 'fre', 'mgt'] })).stages).toEqual(['sft', 'ei', 'fre', 'mgt']);
    expect(bad({ stages: ['fre', 'ei'] })).toThrow(/order sft, ei, fre, mgt/);
    expect(bad({ stages: ['ei', 'ei'] })).toThrow(/without repeats/);
  });

  it('rejects unknown keys and wrong types by path, and replaces the replay mix whole', () => {
    expect(() => mergeConfig(defaultConfig(), { ei: { roundz: 3 } })).toThrow(/config\.ei\.roundz: unknown key \(known: rounds, promptsPerRound/);
    expect(() => mergeConfig(defaultConfig(), { ei: { tasks: 'sokoban-text-7x7-2' } })).toThrow(/config\.ei\.tasks: expected array, got string/);
    expect(() => mergeConfig(defaultConfig(), { ei: { replayMix: { 'countdown-d1': -1 } } })).toThrow(/config\.ei\.replayMix\.countdown-d1: expected a share >= 0/);
    const c = mergeConfig(defaultConfig(), { ei: { replayMix: { 'countdown-d2': 1 }, rounds: 3 } });
    expect(c.ei.replayMix).toEqual({ 'countdown-d2': 1 });
    expect(c.ei.rounds).toBe(3);
    expect(c.ei.promptsPerRound).toBe(defaultConfig().ei.promptsPerRound);
  });

  it('checks counts, shares and task names, naming the key', () => {
    expect(bad({ ei: { rounds: -1 } })).toThrow(/ei\.rounds must be a whole number >= 0, got -1/);
    expect(bad({ ei: { promptsPerRound: 0 } })).toThrow(/ei\.promptsPerRound must be a whole number >= 1/);
    expect(bad({ ei: { samplesPerPrompt: 1.5 } })).toThrow(/ei\.samplesPerPrompt/);
    expect(bad({ ei: { stepsPerRound: 0 } })).toThrow(/ei\.stepsPerRound/);
    expect(bad({ ei: { maxNewTokens: 0 } })).toThrow(/ei\.maxNewTokens/);
    expect(bad({ ei: { lr: 0 } })).toThrow(/ei\.lr must be > 0/);
    expect(bad({ ei: { replayShare: 1 } })).toThrow(/ei\.replayShare must be in \[0, 1\)/);
    expect(bad({ ei: { replayShare: 0.9, batchSize: 2 } })).toThrow(/leaves no row for the round's items/);
    expect(bad({ ei: { replayMix: {} } })).toThrow(/ei\.replayMix: the shares must add up/);
    expect(bad({ ei: { replayMix: { 'countdown-d9': 1 } } })).toThrow(/ei\.replayMix: unknown task "countdown-d9"/);
    expect(bad({ ei: { tasks: [] } })).toThrow(/ei\.tasks is empty/);
    expect(bad({ ei: { tasks: ['countdown-d1'] } })).toThrow(/ei\.tasks: "countdown-d1" is not a Sokoban plan task/);
    expect(bad({ ei: { tasks: ['sokoban-text-7x7-2-read'] } })).toThrow(/ei\.tasks: "sokoban-text-7x7-2-read"/);
    // No replay at all: the mix is not asked about.
    expect(checkConfig(mergeConfig(defaultConfig(), { ei: { replayShare: 0, replayMix: {} } })).ei.replayShare).toBe(0);
  });

  it('takes its seed from --seed and its rounds from --ei-rounds; from a checkpoint by default', () => {
    expect(withSeed(defaultConfig(), 2).ei.seed).toBe(2004);
    const c = resolveConfig({ out: '/nonexistent/run', stages: 'ei', eiRounds: 3 });
    expect(c.stages).toEqual(['ei']);
    expect(c.ei.rounds).toBe(3);
    expect(c.init).toBe(WARM_START);
  });
});
