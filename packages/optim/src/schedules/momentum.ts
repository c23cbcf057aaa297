/**
 * The momentum options of the schedules that cycle it inversely to the rate
 * (cyclic, one-cycle), declared once for both: their defaults differ,
 * their meaning and rules do not.
 */
import { z } from "@recurrent/registry";

/** cycleMomentum, baseMomentum and maxMomentum, with PyTorch's defaults for the schedule. */
export const cycleMomentumShape = (baseMomentum: number, maxMomentum: number) => ({
  cycleMomentum: z
    .boolean()
    .default(true)
    .describe("cycle the momentum (SGD/RMSprop momentum, Adam's beta1) inversely to the rate"),
  baseMomentum: z.number().min(0).lt(1).default(baseMomentum).describe("momentum at the peak rate"),
  maxMomentum: z.number().min(0).lt(1).default(maxMomentum).describe("momentum at the lowest rate"),
});
