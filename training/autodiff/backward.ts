// Reverse-mode differentiation over the engine's graphs: walk the nodes that lie between the
// chosen inputs and the loss in reverse creation order (creation order is topological), apply each
// op's rule from `gradRules`, sum broadcast gradients back to input shapes and add up fan-out.
// The gradient nodes are appended to the loss's own graph.
import { Add, isFloat, staticSize, type Node, type OpType, type Value } from '../../agent/engine/index.js';
import { fillLike, sumToShape, zerosLike } from './helpers.js';
import { gradRules, type GradArgs, type GradRule } from './rules.js';

export interface GradientOptions {
  /**
   * Values treated as constants: no gradient flows into them or through them (stop-gradient). A
   * loss can then use a value both as a variable and as a fixed copy of itself, as PPO's ratio
   * exp(logp - stop(logp)) does: exactly 1, with the gradient of logp.
   */
  constants?: ReadonlySet<Value>;
}

/**
 * Gradients of the scalar `loss` with respect to each of `wrt` (float inputs or intermediate
 * values of the same graph), in order. An input the loss does not depend on gets zeros.
 */
export function gradients(loss: Value, wrt: readonly Value[], opts: GradientOptions = {}): Value[] {
  const constants = opts.constants ?? new Set<Value>();
  const g = loss.graph;
  if (!isFloat(loss.dtype)) throw new Error(`loss '${loss.name}' must be float, not ${loss.dtype}`);
  if (!loss.shape || staticSize(loss.shape) !== 1) {
    throw new Error(`loss '${loss.name}' must be a scalar, has shape [${loss.shape ?? '?'}]`);
  }
  for (const w of wrt) {
    if (w.graph !== g) throw new Error(`'${w.name}' belongs to another graph than the loss`);
    if (!isFloat(w.dtype)) throw new Error(`'${w.name}' is ${w.dtype}: only float values have gradients`);
  }

  // Values that depend on some `wrt`: only these carry gradients (integers and masks never do).
  const live = new Set<Value>(wrt);
  const end = loss.producer ? g.nodes.indexOf(loss.producer) + 1 : 0;
  const nodes = g.nodes.slice(0, end); // snapshot: gradient nodes get appended while we walk
  for (const n of nodes) {
    if (n.inputs.some((v) => v && live.has(v))) for (const o of n.outputs) if (isFloat(o.dtype) && !constants.has(o)) live.add(o);
  }

  const grads = new Map<Value, Value>([[loss, fillLike(loss, 1)]]);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    const gy = grads.get(node.outputs[0]);
    if (!gy) continue;
    if (node.outputs.slice(1).some((o) => grads.has(o))) throw new Error(`${node.op}: multi-output gradients are not supported`);
    const needs = node.inputs.map((v) => !!v && live.has(v));
    if (!needs.some(Boolean)) continue;
    const rule = gradRules[node.op] as GradRule<OpType> | undefined;
    if (!rule) throw new Error(`no gradient rule for op '${node.op}' (node ${node.name})`);
    const args: GradArgs<OpType> = {
      node: node as Node<OpType>,
      // Omitted optional inputs are null here; rules read those from node.inputs.
      x: node.inputs as Value[],
      y: node.outputs[0],
      gy,
    };
    const lazy = rule(args);
    node.inputs.forEach((v, k) => {
      if (!v || !needs[k]) return;
      const make = lazy[k];
      if (make === undefined) throw new Error(`the gradient rule of ${node.op} (node ${node.name}) has no entry for its input ${k}`);
      if (make === null) return; // this input has no gradient (indices, axes, condition)
      let gx: Value;
      try {
        gx = sumToShape(make(), v);
      } catch (err) {
        throw new Error(`gradient of ${node.op} (node ${node.name}) w.r.t. input ${k}: ${(err as Error).message}`);
      }
      const prev = grads.get(v);
      grads.set(v, prev ? Add(prev, gx) : gx); // fan-out: contributions add up
    });
  }
  return wrt.map((w) => grads.get(w) ?? zerosLike(w));
}
