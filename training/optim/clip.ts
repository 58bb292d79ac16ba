// Global gradient-norm clipping over all parameters at once (as torch.nn.utils.clip_grad_norm_).

/** The L2 norm of all gradients together, accumulated in float64. */
export function globalNorm(grads: readonly Float32Array[]): number {
  let s = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  return Math.sqrt(s);
}

/**
 * Scales every gradient in place so that the global norm is at most `maxNorm`; returns the norm
 * before clipping (what training logs). Non-finite norms are returned unchanged for the caller to act on.
 */
export function clipGradNorm(grads: readonly Float32Array[], maxNorm: number): number {
  const norm = globalNorm(grads);
  if (Number.isFinite(norm) && norm > maxNorm) {
    const scale = maxNorm / (norm + 1e-6);
    for (const g of grads) for (let i = 0; i < g.length; i++) g[i] *= scale;
  }
  return norm;
}
