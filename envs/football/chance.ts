/**
 * Randomness during play without a generator object: a uniform number hashed from the episode's
 * seed, the frame and a salt. `step` stays a pure function of (state, action), and a replay gives
 * the same tackles and shots.
 */

/** Uniform in [0, 1) for (seed, frame, salt); a 32-bit integer mix (murmur3's finaliser). */
export function chance(seed: number, frame: number, salt: number): number {
  let h = (seed ^ Math.imul(frame + 1, 0x9e3779b1) ^ Math.imul(salt + 1, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** Salts, one per kind of draw, so two draws of one frame never coincide. */
export const SALT = { tackle: 1, shot: 2, shotAim: 3 } as const;
