/**
 * Seeded pseudo-random numbers for subsets, splits, shuffles and augmentation. `Math.random` is not
 * seedable, and tfjs's own RNG (seedrandom) is hidden inside ops, so everything that must be
 * reproducible from a command line draws from here.
 */

/** mulberry32: a 32-bit generator, fast and good enough for shuffling (not for cryptography). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stateless uniform in [0, 1) for (seed, index): the same image always gets the same number. */
export function hashUniform(seed: number, index: number): number {
  return mulberry32((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0)();
}

/** A permutation of 0..n−1 (Fisher–Yates), reproducible from `seed`. */
export function permutation(n: number, seed: number): number[] {
  const rand = mulberry32(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
