// Progress for whoever watches: lines in a log when stdout is not a terminal (one per 5% of the
// work, with the live fields, the rate and the ETA), nothing when quiet.
import { describe, expect, it } from 'vitest';
import { duration, progress } from '../../../envs/node/progress.js';

function recorder(total: number, o: { start?: number; unit?: string } = {}) {
  const lines: string[] = [];
  let t = 0;
  const p = progress('fre', total, { ...o, stdoutIsTTY: false, stderrIsTTY: false, write: (l) => lines.push(l), now: () => t });
  return { p, lines, tick: (ms: number) => (t += ms) };
}

describe('progress lines', () => {
  it('one line per 5% of a stage, with the status, the rate and the ETA, and a last line at the end', () => {
    const { p, lines, tick } = recorder(40);
    for (let step = 1; step <= 40; step++) {
      tick(500); // two steps a second
      p.update(step, `reward ${(step / 40).toFixed(2)}`);
    }
    p.stop();
    expect(lines).toHaveLength(20);
    expect(lines[0]).toBe('fre 2/40 (5%)  reward 0.05  2.00 steps/s  eta 19s');
    expect(lines[19]).toBe('fre 40/40 (100%)  reward 1.00  2.00 steps/s  took 20s');
  });

  it('a resumed stage counts its rate and ETA from where it resumed; stop() prints where it stopped', () => {
    const { p, lines, tick } = recorder(100, { start: 50 });
    tick(10_000);
    p.update(55, 'x'); // 10% in 10 s: 45 more steps take 90 s
    tick(1000);
    p.update(56, 'y'); // not at a 5% mark: no line...
    p.stop(); // ...until the stop
    expect(lines).toEqual(['fre 55/100 (55%)  x  0.10 steps/s  eta 1m30s', 'fre 56/100 (56%)  y  0.18 steps/s  eta 1m21s']);
  });

  it('a slow stage still prints once a minute between marks', () => {
    const { p, lines, tick } = recorder(1000);
    tick(61_000);
    p.update(1);
    expect(lines).toHaveLength(1);
  });

  it('quiet prints nothing; durations read as minutes and seconds', () => {
    const lines: string[] = [];
    const p = progress('x', 2, { quiet: true, stdoutIsTTY: false, write: (l) => lines.push(l) });
    p.update(2);
    p.stop();
    expect(lines).toEqual([]);
    expect([duration(5), duration(65), duration(3600), duration(Number.NaN)]).toEqual(['5s', '1m05s', '60m00s', '?']);
  });
});
