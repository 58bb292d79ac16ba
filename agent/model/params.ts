// TinyLMM's parameters: their names and shapes (derived from the config alone, so a loader can check a
// checkpoint against it) and a seeded initialisation. Weights are stored [in, out] so that a linear
// layer is `x @ W` with no transpose in the graph.
import seedrandom from 'seedrandom';
import type { ModelConfig } from './config.js';
import type { NamedTensor } from './safetensors.js';

export type Params = Map<string, NamedTensor>;

type Init = 'normal' | 'residual' | 'zeros' | 'ones';
interface ParamSpec {
  shape: number[];
  init: Init;
  /** Excluded from weight decay by default (norms, biases, embeddings), read by the optimizer. */
  noDecay: boolean;
}

function blockSpecs(prefix: string, d: number, f: number, mlp: ModelConfig['mlp'], out: Map<string, ParamSpec>): void {
  const w = (shape: number[], init: Init = 'normal'): ParamSpec => ({ shape, init, noDecay: false });
  out.set(`${prefix}.attn_norm.weight`, { shape: [d], init: 'ones', noDecay: true });
  out.set(`${prefix}.attn.q.weight`, w([d, d]));
  out.set(`${prefix}.attn.k.weight`, w([d, d]));
  out.set(`${prefix}.attn.v.weight`, w([d, d]));
  out.set(`${prefix}.attn.o.weight`, w([d, d], 'residual'));
  out.set(`${prefix}.mlp_norm.weight`, { shape: [d], init: 'ones', noDecay: true });
  if (mlp === 'swiglu') out.set(`${prefix}.mlp.gate.weight`, w([d, f]));
  out.set(`${prefix}.mlp.up.weight`, w([d, f]));
  out.set(`${prefix}.mlp.down.weight`, w([f, d], 'residual'));
}

/** Every parameter of a config, in a fixed order (the order graphs take them as inputs). */
export function parameterSpecs(c: ModelConfig): Map<string, ParamSpec> {
  const specs = new Map<string, ParamSpec>();
  specs.set('embed.weight', { shape: [c.vocabSize, c.dModel], init: 'normal', noDecay: true });
  if (c.positions === 'learned') specs.set('pos.weight', { shape: [c.maxSeqLen, c.dModel], init: 'normal', noDecay: true });
  if (c.vision) {
    const v = c.vision;
    specs.set('vision.patch.weight', { shape: [3 * v.patchSize * v.patchSize, v.dModel], init: 'normal', noDecay: false });
    specs.set('vision.patch.bias', { shape: [v.dModel], init: 'zeros', noDecay: true });
    // Row and column embeddings of a patch (a grid may be one patch wide and maxPatches tall).
    specs.set('vision.row.weight', { shape: [v.maxPatches, v.dModel], init: 'normal', noDecay: true });
    specs.set('vision.col.weight', { shape: [v.maxPatches, v.dModel], init: 'normal', noDecay: true });
    for (let i = 0; i < v.nLayers; i++) blockSpecs(`vision.layers.${i}`, v.dModel, v.dMlp, c.mlp, specs);
    specs.set('vision.norm.weight', { shape: [v.dModel], init: 'ones', noDecay: true });
    specs.set('vision.proj.weight', { shape: [v.dModel, c.dModel], init: 'normal', noDecay: false });
    specs.set('vision.proj.bias', { shape: [c.dModel], init: 'zeros', noDecay: true });
  }
  for (let i = 0; i < c.nLayers; i++) blockSpecs(`layers.${i}`, c.dModel, c.dMlp, c.mlp, specs);
  specs.set('final_norm.weight', { shape: [c.dModel], init: 'ones', noDecay: true });
  if (c.valueHead) {
    specs.set('value_head.weight', { shape: [c.dModel, 1], init: 'normal', noDecay: false });
    specs.set('value_head.bias', { shape: [1], init: 'zeros', noDecay: true });
  }
  return specs;
}

export function countParameters(c: ModelConfig): number {
  let n = 0;
  for (const s of parameterSpecs(c).values()) n += s.shape.reduce((a, b) => a * b, 1);
  return n;
}

/** Seeded initialisation: N(0, initStd), residual projections scaled by 1/sqrt(2 nLayers) (GPT-2). */
export function initParams(c: ModelConfig, seed: number | string): Params {
  const rng = seedrandom(`tinylmm-init:${seed}`);
  const gauss = (): number => {
    // Box-Muller; 1 - u keeps the log finite.
    const u = 1 - rng();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
  };
  const params: Params = new Map();
  const residualStd = c.initStd / Math.sqrt(2 * c.nLayers);
  for (const [name, spec] of parameterSpecs(c)) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (spec.init === 'ones') data.fill(1);
    else if (spec.init !== 'zeros') {
      const std = spec.init === 'residual' ? residualStd : c.initStd;
      for (let i = 0; i < n; i++) data[i] = gauss() * std;
    }
    params.set(name, { shape: [...spec.shape], data });
  }
  return params;
}

/** Checks a set of tensors against the config: every name present with its shape, nothing extra. */
export function checkParams(c: ModelConfig, params: ReadonlyMap<string, NamedTensor>, what: string): void {
  const specs = parameterSpecs(c);
  const problems: string[] = [];
  for (const [name, spec] of specs) {
    const t = params.get(name);
    if (!t) problems.push(`missing tensor ${name} [${spec.shape}]`);
    else if (t.shape.join(',') !== spec.shape.join(',')) problems.push(`tensor ${name} has shape [${t.shape}], config needs [${spec.shape}]`);
  }
  for (const name of params.keys()) if (!specs.has(name)) problems.push(`unexpected tensor ${name}`);
  if (problems.length) throw new Error(`${what}: ${problems.slice(0, 8).join('; ')}${problems.length > 8 ? ` (+${problems.length - 8} more)` : ''}`);
}
