// Per-token KL estimators between the policy and a frozen reference, from the log-probs of the
// sampled tokens (Schulman, "Approximating KL Divergence", 2020), with d = logp_ref - logp:
//   k1 = logp - logp_ref = -d            unbiased for KL(policy || ref), can be negative per token;
//   k3 = exp(d) - d - 1                  unbiased too, always >= 0, lower variance near d = 0.
// As OpenRLHF's compute_approx_kl ("k1" and "k3").

export type KlEstimator = 'k1' | 'k3';

function check(logp: readonly number[], logpRef: readonly number[]): void {
  if (logp.length !== logpRef.length) throw new Error(`kl: ${logp.length} policy log-probs for ${logpRef.length} reference log-probs`);
}

/** k1 = logp - logp_ref, per token. */
export function klK1(logp: readonly number[], logpRef: readonly number[]): number[] {
  check(logp, logpRef);
  return logp.map((lp, i) => lp - logpRef[i]);
}

/**
 * k3 = exp(logp_ref - logp) - (logp_ref - logp) - 1, per token: >= 0, and 0 exactly when the two
 * log-probs are equal. Computed without cancellation: a Taylor series for |d| < 1e-2 (so a nonzero d
 * never rounds to 0, whenever d^2 does not underflow, which holds for every pair of distinct float32
 * log-probs), expm1(d) - d beyond.
 */
export function klK3(logp: readonly number[], logpRef: readonly number[]): number[] {
  check(logp, logpRef);
  return logp.map((lp, i) => k3Of(logpRef[i] - lp));
}

function k3Of(d: number): number {
  if (Math.abs(d) < 1e-2) {
    // d^2 (1/2 + d/6 + d^2/24 + ... + d^5/5040): truncation error under d^8/40320, far below an ulp.
    return d * d * (1 / 2 + d * (1 / 6 + d * (1 / 24 + d * (1 / 120 + d * (1 / 720 + d / 5040)))));
  }
  return Math.max(0, Math.expm1(d) - d); // expm1(d) >= d exactly; the max guards a last-ulp slip
}

/** The estimator by name. */
export function kl(estimator: KlEstimator, logp: readonly number[], logpRef: readonly number[]): number[] {
  return estimator === 'k1' ? klK1(logp, logpRef) : klK3(logp, logpRef);
}
