/**
 * Gradient checking by central finite differences in float64, offered to
 * plugin authors as it is used by our own tests: the analytic gradient of
 * L = Σ w·f(inputs) (w a fixed random projection) against
 * (L(x + ε) − L(x − ε)) / 2ε, element by element.
 */
import { Generator, mul, sum, type Tensor, tensor } from "@recurrent/tensor";
import { backward } from "./backward.js";
import { AutogradError } from "./errors.js";
import { noGrad } from "./mode.js";

export interface GradcheckOptions {
  /** Step of the central difference (default 1e-6). */
  eps?: number;
  /** Pass when |numeric − analytic| ≤ atol + rtol·|numeric| (defaults 1e-5 and 1e-3, as PyTorch). */
  atol?: number;
  rtol?: number;
  /** Name shown in failures (default: the function's name). */
  name?: string;
  /** Seed of the random projection of a non-scalar output. */
  seed?: number;
}

export interface GradcheckFailure {
  readonly input: number;
  readonly index: number;
  readonly numeric: number;
  readonly analytic: number;
}

export interface GradcheckResult {
  readonly checked: number;
  readonly maxError: number;
}

/**
 * Check `fn`'s gradients at `inputs` (float64 tensors; int32 inputs such as
 * indices are passed through unchecked). Throws an error naming the op, the
 * input and the flat index of the worst mismatches; returns a summary.
 *
 * @example
 * gradcheck((x) => tanh(x), [tensor([0.1, -2], { dtype: "float64" })]);
 */
export function gradcheck(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): GradcheckResult {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  const name = options.name ?? (fn.name || "fn");
  const leaves = inputs.map((x, i) => {
    if (x.dtype === "int32") return x;
    if (x.dtype !== "float64") {
      throw new AutogradError(
        "GRADCHECK",
        `gradcheck ${name}: input ${i} is ${x.dtype}; finite differences need float64 inputs`,
      );
    }
    const leaf = tensor(x.toTypedArray(), { shape: x.shape, dtype: "float64" });
    leaf.requiresGrad = true;
    return leaf;
  });
  const probe = noGrad(() => fn(...leaves));
  const weights = new Generator(options.seed ?? 0).normal(probe.shape, 0, 1, "float64");
  const objective = () => sum(mul(fn(...leaves), weights));

  backward(objective());
  const failures: GradcheckFailure[] = [];
  let checked = 0;
  let maxError = 0;
  leaves.forEach((leaf, i) => {
    if (leaf.dtype === "int32") return;
    // A copy, and the storage's array read afresh each time: a backend whose memory grows
    // (wasm) detaches the arrays handed out before.
    const analytic = Float64Array.from(leaf.grad?.data() ?? new Float64Array(leaf.size));
    for (let j = 0; j < leaf.size; j++) {
      const original = leaf.storage.array[j] as number;
      leaf.storage.array[j] = original + eps;
      const plus = noGrad(() => objective().item());
      leaf.storage.array[j] = original - eps;
      const minus = noGrad(() => objective().item());
      leaf.storage.array[j] = original;
      const numeric = (plus - minus) / (2 * eps);
      const a = analytic[j] as number;
      const error = Math.abs(numeric - a);
      checked++;
      maxError = Math.max(maxError, error);
      if (!(error <= atol + rtol * Math.abs(numeric)))
        failures.push({ input: i, index: j, numeric, analytic: a });
    }
  });
  if (failures.length > 0) {
    const shown = failures
      .slice(0, 5)
      .map(
        (f) =>
          `  input ${f.input}, flat index ${f.index}: numeric ${f.numeric}, analytic ${f.analytic}`,
      )
      .join("\n");
    throw new AutogradError(
      "GRADCHECK",
      `gradcheck ${name}: ${failures.length} of ${checked} gradient entries differ (atol ${atol}, rtol ${rtol}):\n${shown}`,
    );
  }
  return { checked, maxError };
}
