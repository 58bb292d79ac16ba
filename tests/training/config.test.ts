// train:agent's configuration: a strict merge (unknown keys and wrong types are errors naming
// them), checked values, and the command's --help and bad-flag errors.
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkConfig, defaultConfig, mergeConfig, resolveInit, WARM_START } from '../../training/config.js';
import { resolveConfig } from '../../training/flags.js';
import { trainAgent } from '../../training/train.js';

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
    expect(bad({ stages: ['mgt', 'sft'] })).toThrow(/order sft, ei, fre, mgt/);
    expect(bad({ fre: { estimator: 'a2c' } })).toThrow(/fre\.estimator "a2c"/);
    expect(bad({ mgt: { promptsPerStep: 0 } })).toThrow(/mgt\.promptsPerStep/);
    expect(checkConfig(defaultConfig()).stages).toEqual(['fre', 'mgt']);
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

describe('where a run starts', () => {
  const out = '/nonexistent/run';
  it('the default runs FRE and MGT from the committed warm start, which exists', () => {
    const c = resolveConfig({ out });
    expect(c.stages).toEqual(['fre', 'mgt']);
    expect(c.init).toBe(WARM_START);
    expect(existsSync(join(resolveInit(WARM_START), 'manifest.json'))).toBe(true);
  });

  it('stages that train the warm start start from a fresh model, unless an init is chosen', () => {
    expect(resolveConfig({ out, stages: 'sft,fre,mgt' }).init).toBeNull();
    expect(resolveConfig({ out, stages: 'sft,mgt' }).init).toBeNull();
    expect(resolveConfig({ out, stages: 'sft,mgt', init: 'runs/x/sft' }).init).toBe('runs/x/sft');
    expect(resolveConfig({ out, stages: 'fre', init: 'none' }).init).toBeNull();
    const dir = mkdtempSync(join(tmpdir(), 'flags-'));
    try {
      const file = join(dir, 'c.json');
      writeFileSync(file, JSON.stringify({ stages: ['sft', 'fre'], init: WARM_START }));
      expect(resolveConfig({ out, config: file }).init).toBe(WARM_START); // chosen in the file: kept
      writeFileSync(file, JSON.stringify({ stages: ['sft', 'fre'] }));
      expect(resolveConfig({ out, config: file }).init).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a preset other than the init checkpoint's is refused, saying what to do", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preset-'));
    try {
      await expect(trainAgent(resolveConfig({ out: dir, preset: 'small' }), { out: dir, quiet: true })).rejects.toThrow(/is a tiny model, but the preset is small: train a small warm start with --stages sft,fre,mgt/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
