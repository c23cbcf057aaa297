/**
 * Randomness that can be recomputed. Every shuffle and offset in this package
 * is drawn from a generator seeded by (seed, epoch[, batch]), so a batch can be
 * rebuilt from its position alone: an iterator resumed from a checkpoint hands
 * out exactly the batches it would have, with no generator state to save.
 */
import { z } from "@recurrent/registry";
import { Generator } from "@recurrent/tensor";

/** The `seed` option of everything random here (generators, task streams, dataset entries). */
export const seedOption = z.number().int().default(0).describe("seed of the random numbers");

/** A 32-bit seed mixed from several integers (splitmix32-style finaliser). */
export function mixSeed(...parts: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x01000193) >>> 0;
    h = Math.imul(h ^ Math.floor(part / 2 ** 32), 0x01000193) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}

/** A fresh generator for the stream identified by `parts`, e.g. `(seed, epoch)`. */
export function generatorFor(...parts: readonly number[]): Generator {
  return new Generator(mixSeed(...parts));
}
