// Reverse-mode autodiff for engine graphs, and the training-graph wrapper the trainers use.
import type { Value } from '../../agent/engine/index.js';
import { gradients } from './backward.js';

export { gradients, type GradientOptions } from './backward.js';
export { gradRules, type GradRule, type GradArgs, type Lazy } from './rules.js';
export { sumToShape, zerosLike, fillLike, shapeOf } from './helpers.js';

/** Graph output name of a parameter's gradient. */
export const gradName = (param: string): string => `grad.${param}`;

export interface TrainingOutputs {
  loss: string;
  /** Output names of the gradients, in the order of `params`. */
  grads: string[];
  aux: string[];
}

/**
 * Turns the loss's graph into a training graph: outputs `loss`, then each auxiliary value under its
 * key, then `grad.<param name>` for every parameter. Parameters should be graph inputs, so the same
 * Float32Arrays feed training and sampling.
 */
export function addTrainingOutputs(loss: Value, params: readonly Value[], aux: Record<string, Value> = {}): TrainingOutputs {
  const g = loss.graph;
  const grads = gradients(loss, params);
  g.output(loss, 'loss');
  for (const [k, v] of Object.entries(aux)) g.output(v, k);
  grads.forEach((gv, i) => g.output(gv, gradName(params[i].name)));
  return { loss: 'loss', grads: params.map((p) => gradName(p.name)), aux: Object.keys(aux) };
}
