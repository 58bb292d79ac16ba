/**
 * A short speed check of the football game (the suite-wide figures come from `bench:envs`):
 * steps per second of the pure core and of the Env (random actions, resets included), and with a
 * frame, the text or the raw state read each step. Reports wall-clock and CPU-time rates, since
 * the machine may be shared.
 *
 *   npx tsx scripts/football-speed.ts [--ms 1500]
 */
import { make } from '../envs/core/registry.js';
import { makeRng } from '../envs/core/rng.js';
import { footballGame, type FootballScenario } from '../envs/football/index.js';

const msIndex = process.argv.indexOf('--ms');
const MS = msIndex >= 0 ? Number(process.argv[msIndex + 1]) : 1500;

function rate(label: string, fn: () => void): void {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let n = 0;
  while (performance.now() - t0 < MS) {
    for (let k = 0; k < 200; k++) fn();
    n += 200;
  }
  const cpu = process.cpuUsage(c0);
  const wall = n / ((performance.now() - t0) / 1000);
  console.log(`| ${label} | ${Math.round(wall).toLocaleString('en')} | ${Math.round(n / ((cpu.user + cpu.system) / 1e6)).toLocaleString('en')} |`);
}

console.log('| measure (random actions) | per s, wall | per s, CPU time |\n|---|---|---|');
for (const scenario of ['11v11', 'counterattack-hard', 'empty-goal'] as FootballScenario[]) {
  const o = footballGame.resolveOptions({ scenario });
  const rng = makeRng(1);
  let s = footballGame.initial(rng, o);
  rate(`core step, ${scenario}`, () => {
    const r = footballGame.step(s, rng.int(19), o);
    s = r.terminated || s.turn >= o.max_steps ? footballGame.initial(rng, o) : r.state;
  });
}
const env = make('Football-11v11-v0');
env.reset({ seed: 1 });
const rng = makeRng(3);
const views = { 'nothing read': () => {}, frame: (o: { image: unknown }) => o.image, text: (o: { text: unknown }) => o.text, 'raw state': (o: { state: unknown }) => o.state };
for (const [name, read] of Object.entries(views)) {
  rate(`env.step, 11v11, ${name}`, () => {
    const r = env.step(rng.int(19));
    read(r.observation);
    if (r.terminated || r.truncated) env.reset();
  });
}
