import { describe, expect, it } from 'vitest';
import { growthRatio } from './growth.js';

describe('growthRatio', () => {
  let sink = 0;
  const linear = (n: number) => {
    for (let i = 0; i < n; i++) sink = (sink + i) | 0;
  };
  const quadratic = (n: number) => {
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sink = (sink + j) | 0;
  };

  it('tells linear work (about 64) from quadratic work (about 4096)', () => {
    expect(growthRatio(linear, 20_000)).toBeLessThan(512);
    expect(growthRatio(quadratic, 60)).toBeGreaterThan(512);
  });
});
