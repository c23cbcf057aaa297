/**
 * Fan-in, fan-out and gains, exactly as `torch.nn.init` computes them, so
 * "xavier" and "kaiming" mean the same bounds here and in PyTorch.
 *
 * For a weight [out, in, k…]: fanIn = in·Πk, fanOut = out·Πk.
 */
import type { Shape } from "@recurrent/tensor";
import { check, fmt, NnError } from "../errors.js";

export const nonlinearities = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "selu"] as const;

export type Nonlinearity = (typeof nonlinearities)[number];

export interface Fans {
  readonly fanIn: number;
  readonly fanOut: number;
}

/**
 * @example
 * computeFans([256, 64]); // { fanIn: 64, fanOut: 256 }
 */
export function computeFans(shape: Shape, where = "computeFans"): Fans {
  check(shape.length >= 2, "SHAPE", () => {
    return `${where}: expected a shape of at least 2 dimensions to compute fan-in and fan-out, got ${fmt(shape)}`;
  });
  let receptive = 1;
  for (const d of shape.slice(2)) receptive *= d;
  return { fanIn: (shape[1] as number) * receptive, fanOut: (shape[0] as number) * receptive };
}

/**
 * The recommended gain for a nonlinearity (`torch.nn.init.calculate_gain`):
 * 1 for linear and sigmoid, 5/3 for tanh, √2 for relu, √(2/(1+a²)) for
 * leaky_relu with negative slope `a` (default 0.01), 3/4 for selu.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case "linear":
    case "sigmoid":
      return 1;
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.SQRT2;
    case "leaky_relu": {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case "selu":
      return 3 / 4;
    default:
      throw new NnError(
        "ARGUMENT",
        `calculateGain: expected one of ${nonlinearities.join(", ")}, got ${JSON.stringify(nonlinearity)}`,
      );
  }
}
