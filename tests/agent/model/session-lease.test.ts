// Sessions shared by overlapping users. The server answers requests concurrently, and a generation
// on sessions baked with the old weights can still be decoding when `paramsUpdated()` makes them
// stale (the RL loop never overlaps sampling and training, but the model does not rely on its
// callers' order): they must stay alive until their last user finishes, and be freed as soon as it
// does (none leaked, none freed early).
// Run calls are held at a chosen point, so the overlaps are deterministic rather than timing luck.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EngineSession } from '../../../agent/engine/index.js';
import { generate, TinyLMM, type GenerateOptions, initParams } from '../../../agent/model/index.js';
import { SftTrainer } from '../../../training/stages/sft-trainer.js';
import { microConfig, randomImage } from './helpers.js';

const micro = (): TinyLMM => {
  const c = microConfig();
  return new TinyLMM('tiny', c, initParams(c, 3), 0, {}, { threads: 1 });
};

const opts: GenerateOptions = { inputIds: [[65, 66, 67], [68]], greedy: true, maxNewTokens: 10, stopTokens: [], bakeWeights: true };
const batch = { inputIds: [[65, 66, 67, 68, 69]], lossMask: [[0, 0, 1, 1, 1]] };
const tick = () => new Promise((r) => setImmediate(r));

/** Records every native session made and freed from now on; `holdRun(n)` holds the n-th run call from now. */
function watchSessions() {
  const created: EngineSession[] = [];
  const disposed = new Set<EngineSession>();
  const create = EngineSession.create;
  vi.spyOn(EngineSession, 'create').mockImplementation(async (...args) => {
    const s = await create.apply(EngineSession, args);
    created.push(s);
    return s;
  });
  const dispose = EngineSession.prototype.dispose;
  vi.spyOn(EngineSession.prototype, 'dispose').mockImplementation(function (this: EngineSession) {
    disposed.add(this);
    return dispose.call(this);
  });
  const run = EngineSession.prototype.run;
  let calls = 0;
  let holdAt = -1;
  let reached = (): void => undefined;
  let gate = Promise.resolve();
  vi.spyOn(EngineSession.prototype, 'run').mockImplementation(async function (this: EngineSession, ...args) {
    if (++calls === holdAt) {
      reached();
      await gate;
    }
    return run.apply(this, args);
  });
  return {
    created,
    disposed,
    /** The n-th run call from now waits (before touching its session) until `resume()`. */
    holdRun(n: number) {
      holdAt = calls + n;
      let resume = (): void => undefined;
      gate = new Promise((r) => (resume = r));
      const at = new Promise<void>((r) => (reached = r));
      return { reached: at, resume };
    },
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('baked sessions with overlapping users', () => {
  it('paramsUpdated() between two overlapping generations: the first keeps its sessions, freed when it ends', async () => {
    const model = micro();
    const w = watchSessions();
    try {
      const ref = await generate(model, opts); // builds the prefill and step sessions of weights v0
      expect(w.created).toHaveLength(2);
      const hold = w.holdRun(2); // A's first step (its prefill is run 1): A is mid-sampling there
      const a = generate(model, opts);
      await hold.reached;
      model.paramsUpdated();
      const b = await generate(model, opts); // builds the v1 sessions while A still samples on v0
      expect(b).toEqual(ref); // the values did not change, only the version
      expect(w.created).toHaveLength(4);
      const freedWhileInUse = w.disposed.size; // A's v0 sessions are stale but still in use
      hold.resume();
      expect(await a).toEqual(ref);
      expect(freedWhileInUse).toBe(0);
      await tick();
      // Freed as soon as their last user finished, without waiting for model.dispose().
      expect([...w.disposed]).toEqual(expect.arrayContaining(w.created.slice(0, 2)));
      expect(w.disposed.size).toBe(2);
      await model.dispose();
      expect(w.disposed.size).toBe(4);
    } finally {
      await model.dispose();
    }
  });

  it('a training step overlapping a sampling call: the sampler finishes on the weights it started with', async () => {
    const model = micro();
    const trainer = new SftTrainer(model, { schedule: { lr: 3e-2 } });
    const w = watchSessions();
    try {
      const before = await generate(model, opts);
      const hold = w.holdRun(2);
      const a = generate(model, opts);
      await hold.reached;
      const st = await trainer.step(batch); // changes the weights in place, then paramsUpdated()
      expect(st.skipped).toBe(false);
      expect(model.paramsVersion).toBe(1);
      const b = await generate(model, opts); // samples the new weights
      hold.resume();
      expect(await a).toEqual(before); // wholly under the old weights (prefill and every step)
      // B saw the new weights: it agrees with unbaked sampling now, and its log-probs moved.
      const now = await generate(model, { ...opts, bakeWeights: false });
      expect(b.map((g) => g.tokens)).toEqual(now.map((g) => g.tokens));
      b.forEach((g, r) => g.logprobs.forEach((x, i) => expect(Math.abs(x - now[r].logprobs[i])).toBeLessThan(1e-4)));
      expect(Math.abs(b[0].logprobs[0] - before[0].logprobs[0])).toBeGreaterThan(1e-4);
      await tick();
      // Stale v0 prefill and step freed; the v1 pair, the train session and the unbaked pair live on.
      expect(w.disposed.size).toBe(2);
      await model.dispose();
      expect(w.disposed.size).toBe(w.created.length);
    } finally {
      await model.dispose();
    }
  });

  it('model.dispose() waits for in-flight users; the model and its trainer stay usable after it', async () => {
    const model = micro();
    const trainer = new SftTrainer(model, { schedule: { lr: 1e-3 } });
    const w = watchSessions();
    try {
      const ref = await generate(model, opts);
      await trainer.step(batch);
      const hold = w.holdRun(2);
      const a = generate(model, opts);
      await hold.reached;
      let disposed = false;
      const d = model.dispose().then(() => (disposed = true));
      await tick();
      expect(disposed).toBe(false); // A still holds its sessions
      expect(w.disposed.size).toBe(3); // only the idle ones: the v0 pair (stale) and the train session
      hold.resume();
      await a;
      await d;
      expect(w.disposed.size).toBe(w.created.length);
      // Sessions are rebuilt on demand, for the trainer too.
      await trainer.step(batch);
      expect((await generate(model, opts))[0].tokens).toHaveLength(ref[0].tokens.length);
      await model.dispose();
      expect(w.disposed.size).toBe(w.created.length);
    } finally {
      await model.dispose();
    }
  });
});

describe('session cache bound', () => {
  it('paramsUpdated() frees idle baked sessions at once: one session per key at most, however many versions', async () => {
    const model = micro();
    const w = watchSessions();
    const chat = [{ role: 'user' as const, content: [{ type: 'image' as const, image: randomImage('bound', 8, 8) }, { type: 'text' as const, text: 'hi' }] }];
    const vision = { ...model.prepare([chat]), greedy: true, maxNewTokens: 4, stopTokens: [], bakeWeights: true };
    const alive = () => w.created.length - w.disposed.size;
    try {
      for (let v = 0; v < 4; v++) {
        await generate(model, opts); // baked prefill-text and step of this version
        if (v === 0) await generate(model, vision); // a baked key used once: it must not keep version 0 alive
        expect(model.cachedSessions).toBe(v === 0 ? 3 : 2);
        model.paramsUpdated();
        expect(model.cachedSessions).toBe(0);
        await tick();
        expect(alive()).toBe(0); // idle stale sessions are freed now, not when their key is next leased
      }
      expect(w.created).toHaveLength(9);
      // Unbaked sessions take the weights as inputs: they stay cached across versions.
      await generate(model, { ...opts, bakeWeights: false });
      model.paramsUpdated();
      await generate(model, { ...opts, bakeWeights: false });
      expect(model.cachedSessions).toBe(2);
      expect(alive()).toBe(2);
    } finally {
      await model.dispose();
    }
  });
});
