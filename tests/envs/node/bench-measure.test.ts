/** The benchmarks' ratio printing and reference check. */
import { describe, expect, it } from 'vitest';
import { formatRatio, referenceWarning } from '../../../envs/node/bench-measure.js';

describe('bench ratios', () => {
  it('slow rows keep two significant digits instead of x0.0', () => {
    expect(formatRatio(0.00314)).toBe('x0.0031');
    expect(formatRatio(0.04)).toBe('x0.04');
    expect(formatRatio(1.46)).toBe('x1.5');
    expect(formatRatio(123.4)).toBe('x123');
  });

  it('warns when the reference moved or a figure beat it', () => {
    expect(referenceWarning('peak', [100, 104, 98], [0.4, 0.6])).toBeNull();
    expect(referenceWarning('peak', [100, 60], [0.4])).toMatch(/unstable reference: peak ranged 60\.0-100\.0/);
    expect(referenceWarning('peak', [100, 101], [1.87])).toMatch(/above 100% of peak \(up to 187%\)/);
  });
});
