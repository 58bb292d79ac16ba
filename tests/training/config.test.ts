// train:agent's configuration: a strict merge (unknown keys and wrong types are errors naming
// them), checked values, and the command's --help and bad-flag errors.
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { checkConfig, defaultConfig, mergeConfig } from '../../training/config.js';

describe('train:agent config', () => {
  it('merges known keys deeply and replaces the SFT mix whole', () => {
    const c = mergeConfig(defaultConfig(), { fre: { steps: 3, sampling: { temperature: 0.7 } }, sft: { mix: { 'countdown-d1': 1 } } });
    expect(c.fre.steps).toBe(3);
    expect(c.fre.sampling.temperature).toBe(0.7);
    expect(c.fre.sampling.maxNewTokens).toBe(defaultConfig().fre.sampling.maxNewTokens);
    expect(c.sft.mix).toEqual({ 'countdown-d1': 1 });
  });

  it('rejects unknown keys and wrong types, naming the path', () => {
    expect(() => mergeConfig(defaultConfig(), { fre: { stepz: 3 } })).toThrow(/config\.fre\.stepz: unknown key/);
    expect(() => mergeConfig(defaultConfig(), { fre: { steps: '3' } })).toThrow(/config\.fre\.steps: expected number, got string/);
    expect(() => mergeConfig(defaultConfig(), { sft: { mix: { a: -1 } } })).toThrow(/config\.sft\.mix\.a: expected a share >= 0/);
  });

  it('checks names and ranges', () => {
    const bad = (patch: unknown) => () => checkConfig(mergeConfig(defaultConfig(), patch));
    expect(bad({ stages: ['mgt', 'sft'] })).toThrow(/order sft, fre, mgt/);
    expect(bad({ fre: { estimator: 'a2c' } })).toThrow(/fre\.estimator "a2c"/);
    expect(bad({ mgt: { promptsPerStep: 0 } })).toThrow(/mgt\.promptsPerStep/);
    expect(checkConfig(defaultConfig()).stages).toEqual(['sft', 'fre', 'mgt']);
  });

  it('the command has --help and refuses a bad flag with a message', () => {
    const help = execFileSync('npx', ['tsx', 'training/cli.ts', '--help'], { encoding: 'utf8' });
    expect(help).toMatch(/--stages <list>/);
    expect(help).toMatch(/--resume/);
    const bad = spawnSync('npx', ['tsx', 'training/cli.ts', '--estimator', 'a2c'], { encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/a2c/);
  }, 30_000);
});
