/**
 * Per-student variants and check-time randomness. A student id hashes to a seed (FNV-1a), the seed
 * picks the student's version of each assignment (a rotation centre, a pair of groups, t values),
 * and every check draws its test inputs — image sizes, pixels, t — from a fresh stream, so an
 * answer tuned to the inputs of one run (a lookup table) fails the next.
 */
import * as tf from '@tensorflow/tfjs';
import { randomInt } from 'node:crypto';
import { InputError } from '../errors';
import { mulberry32 } from '../data/rng';

export type Rand = () => number;

/** 32-bit FNV-1a of the trimmed id: the same id always gives the same seed. */
export function studentSeed(studentId: string): number {
  if (typeof studentId !== 'string' || studentId.trim() === '') {
    throw new InputError(
      `student id must be a non-empty string (set LIEDERIV_STUDENT or pass { student }), got ${JSON.stringify(studentId)}`,
    );
  }
  let h = 0x811c9dc5;
  for (const ch of studentId.trim()) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A generator for one assignment's variant: seed and assignment id mixed so variants differ per assignment. */
export function variantRng(seed: number, assignment: string): Rand {
  return mulberry32((seed ^ studentSeed(`assignment:${assignment}`)) >>> 0);
}

/**
 * A generator for one check's test inputs. Without `drawSeed` it is drawn from the OS, so the
 * inputs change on every run; tests pass one to be reproducible.
 */
export function checkRng(drawSeed?: number): { rand: Rand; drawSeed: number } {
  const s = drawSeed ?? randomInt(0, 2 ** 31);
  return { rand: mulberry32(s >>> 0), drawSeed: s };
}

export const uniform = (rand: Rand, lo: number, hi: number): number => lo + (hi - lo) * rand();
export const intIn = (rand: Rand, lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
export function pick<T>(rand: Rand, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)];
}
/** n distinct items in random order. */
export function pickDistinct<T>(rand: Rand, items: readonly T[], n: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < n && pool.length) out.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]);
  return out;
}

/**
 * A random batch of smooth RGB images [B, H, W, 3] in [0, 1] with H ≠ W (between minSide and
 * maxSide), so an answer that swaps rows and columns, or assumes a square, fails.
 */
export function randomImages(rand: Rand, { batch = 2, minSide = 9, maxSide = 21 } = {}): tf.Tensor4D {
  const H = intIn(rand, minSide, maxSide);
  let W = intIn(rand, minSide, maxSide - 1);
  if (W >= H) W++;
  const data = new Float32Array(batch * H * W * 3);
  let k = 0;
  for (let b = 0; b < batch; b++) {
    // A sum of three random plane waves per channel: smooth, not symmetric, different per image.
    const waves = Array.from({ length: 9 }, () => [
      uniform(rand, -0.9, 0.9),
      uniform(rand, -0.9, 0.9),
      uniform(rand, 0, 2 * Math.PI),
    ]);
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < W; j++) {
        for (let c = 0; c < 3; c++) {
          let s = 0;
          for (let w = 0; w < 3; w++) {
            const [a, bb, p] = waves[3 * c + w];
            s += Math.sin(a * j + bb * i + p);
          }
          data[k++] = 0.5 + s / 7;
        }
      }
    }
  }
  return tf.tensor4d(data, [batch, H, W, 3]);
}
