// Training graphs for TinyLMM: the model's own graphs (agent/model/graphs.ts) with the reverse-mode
// gradient of their loss appended (training/autodiff). Parameters stay graph inputs, so the trainer
// and the sampler feed the same Float32Arrays.
import { type ModelConfig, buildGroupedLogprobGraph, buildLogprobGraph, buildSftGraph, type GraphOptions, type LogprobGraph } from '../../agent/model/index.js';
import { Add, Mul, ReduceSum, type Graph, type Value } from '../../agent/engine/index.js';
import { gradients, gradName } from '../autodiff/index.js';

export interface TrainGraph {
  graph: Graph;
  /** Parameters the loss depends on, in output order; the others (e.g. an unused value head) get no gradient. */
  params: string[];
  /** Every output name: the base graph's (logprobs, values), 'loss', auxiliary outputs, grad.<param>, grad_norm_sq. */
  outputs: string[];
}

/**
 * Appends the gradients and `grad_norm_sq`, the squared global gradient norm: computed in the graph
 * (threaded, while the gradients are fresh in cache) it spares the trainer a pass over every
 * gradient in JS, which measured ~25 ms per step for `small`.
 */
function appendGradients(graph: Graph, loss: Value, params: Map<string, Value>, constants?: ReadonlySet<Value>): TrainGraph {
  const names = [...params.keys()];
  const grads = gradients(loss, names.map((n) => params.get(n)!), { constants });
  grads.forEach((gv, i) => graph.output(gv, gradName(names[i])));
  const sq = grads.map((gv) => ReduceSum(Mul(gv, gv), undefined, { keepdims: 0 }));
  graph.output(sq.reduce((a, b) => Add(a, b)), 'grad_norm_sq');
  return { graph, params: names, outputs: graph.outputs.map((v) => v.name) };
}

/** SFT step graph: input_ids, attention_mask, pixel_values, loss_mask, parameters -> loss, grad.*. */
export function buildSftTrainGraph(c: ModelConfig, opts: Omit<GraphOptions, 'bake'> = {}): TrainGraph {
  const b = buildSftGraph(c, opts); // already outputs 'loss'
  return appendGradients(b.graph, b.loss, b.params);
}

/**
 * A training graph over graph (a): `lossOf` composes any scalar loss from per-token log-probs
 * (B, T-1) and values (B, T) (adding its own inputs, e.g. advantages and masks), as the RL stages do;
 * with `grouped`, over the prompt-group graph (log-probs and action values (G N, W) of responses).
 * Auxiliary values it returns are outputs too; `constants` are held fixed by the gradient (stop-gradient).
 */
export function buildLogprobTrainGraph(
  c: ModelConfig,
  lossOf: (g: LogprobGraph) => { loss: Value; aux?: Record<string, Value>; constants?: ReadonlySet<Value> },
  opts: Omit<GraphOptions, 'bake'> & { values?: boolean; grouped?: boolean } = {},
): TrainGraph {
  const b = opts.grouped ? buildGroupedLogprobGraph(c, opts) : buildLogprobGraph(c, opts);
  const { loss, aux = {}, constants } = lossOf(b);
  b.graph.output(loss, 'loss');
  for (const [k, v] of Object.entries(aux)) b.graph.output(v, k);
  return appendGradients(b.graph, loss, b.params, constants);
}
