import { describe, expect, it } from 'vitest';
import { checkEnv, listEnvs, make } from '../../../envs/index.js';

describe('the registry', () => {
  it('holds every game of the suite', () => {
    const ids = listEnvs().map((s) => s.id);
    expect(ids.filter((id) => id.startsWith('Sokoban-'))).toHaveLength(8);
    expect(ids.filter((id) => id.startsWith('Football-'))).toHaveLength(9);
  });

  // One test per id, so that a failure names the env.
  for (const spec of listEnvs()) {
    it(`checkEnv passes for ${spec.id}`, () => {
      expect(() => checkEnv(make(spec.id), { seed: 7, steps: 40 })).not.toThrow();
    });
  }

  it('names the registered ids when an id is unknown', () => {
    expect(() => make('Sokoban-tiny-v9')).toThrow(/unknown env id "Sokoban-tiny-v9"; registered ids: Sokoban-small-v0/);
  });
});
