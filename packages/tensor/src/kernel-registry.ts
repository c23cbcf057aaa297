/**
 * The open kernel registry, keyed by kernel name and backend (in the spirit
 * of TensorFlow.js's `registerKernel`): a package or a plugin adds a kernel
 * for a backend without editing this package, and `kernel(name)` finds it
 * before the backend's own and before the plain TypeScript fallback.
 *
 * Kernel types are an interface open to declaration merging, so an added
 * kernel is typed where it is registered and where it is called:
 *
 *     declare module "@recurrent/tensor" {
 *       interface KernelTypes { axpy(alpha: number, x: View, y: View): void }
 *     }
 *     registerKernel({ kernelName: "axpy", backendName: "js", kernelFunc: (a, x, y) => … });
 *     kernel("axpy")(2, x, y);
 */
import type { Kernels } from "./backend.js";
import { TensorError } from "./errors.js";

/** Every kernel's signature by name: the built-in primitives, plus any a package declares. */
export interface KernelTypes extends Kernels {}

export type KernelName = keyof KernelTypes & string;

export interface KernelConfig<K extends KernelName> {
  readonly kernelName: K;
  /** The backend it runs on ("js" kernels read any host-memory storage, so they serve every backend). */
  readonly backendName: string;
  readonly kernelFunc: KernelTypes[K];
}

const byBackend = new Map<string, Map<string, unknown>>();
let count = 0;

/**
 * Add a kernel for a backend. Throws if that pair is already registered
 * (unregister it first to replace it).
 *
 * @example
 * registerKernel({ kernelName: "fill", backendName: "webgpu", kernelFunc: fillOnGpu });
 */
export function registerKernel<K extends KernelName>(config: KernelConfig<K>): void {
  const { kernelName, backendName, kernelFunc } = config;
  if (typeof kernelFunc !== "function") {
    throw new TensorError(
      "ARGUMENT",
      `registerKernel: kernelFunc of '${kernelName}' for backend '${backendName}' must be a function, got ${typeof kernelFunc}`,
    );
  }
  let kernels = byBackend.get(backendName);
  if (kernels === undefined) {
    kernels = new Map();
    byBackend.set(backendName, kernels);
  }
  if (kernels.has(kernelName)) {
    throw new TensorError(
      "ARGUMENT",
      `registerKernel: the kernel '${kernelName}' for backend '${backendName}' is already registered; unregisterKernel it first to replace it`,
    );
  }
  kernels.set(kernelName, kernelFunc);
  count++;
}

/** Remove a registered kernel; throws if it is not registered. */
export function unregisterKernel(kernelName: KernelName, backendName: string): void {
  const kernels = byBackend.get(backendName);
  if (kernels === undefined || !kernels.delete(kernelName)) {
    throw new TensorError(
      "ARGUMENT",
      `unregisterKernel: the kernel '${kernelName}' for backend '${backendName}' is not registered`,
    );
  }
  count--;
}

/** The registered kernel for a backend, or undefined (built-in kernels are not listed here). */
export function getRegisteredKernel<K extends KernelName>(
  kernelName: K,
  backendName: string,
): KernelTypes[K] | undefined {
  if (count === 0) return undefined;
  return byBackend.get(backendName)?.get(kernelName) as KernelTypes[K] | undefined;
}

/** Names of the kernels registered for a backend (or for every backend, as "backend/kernel"). */
export function listRegisteredKernels(backendName?: string): string[] {
  if (backendName !== undefined) return [...(byBackend.get(backendName)?.keys() ?? [])];
  return [...byBackend].flatMap(([b, kernels]) => [...kernels.keys()].map((k) => `${b}/${k}`));
}
