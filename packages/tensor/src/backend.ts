/**
 * The kernel interface every backend implements, and the choice of backend
 * for the process.
 *
 * A backend allocates storage and may provide any subset of the kernels; an
 * op asks the active backend first and falls back to the plain TypeScript
 * (`js`) kernels, which work on any host-memory storage. So a new backend can
 * start with `alloc` and one fast kernel, and grow from there.
 *
 * Backends are also registry entries (kind `backend`, see @recurrent/nn's `backendPlugin`),
 * so a third party adds one the same way it adds a cell.
 *
 * The built-in backends register themselves the first time any function here
 * is called (not at import time), so bundlers cannot drop the registration:
 * see backends/builtin.ts.
 */

import { type BuiltinBackends, builtinBackends } from "./backends/builtin.js";
import type { DType } from "./dtype.js";
import { TensorError } from "./errors.js";
import { getRegisteredKernel, type KernelName, type KernelTypes } from "./kernel-registry.js";
import type { PackedB, PackedGemmSpec } from "./packed-b.js";
import type { Recurrence } from "./recurrence.js";
import type { RowProgram } from "./row-program.js";
import type { Shape } from "./shape.js";
import type { Storage } from "./storage.js";

/** What a kernel needs to read a tensor: its storage and how to walk it. */
export interface View {
  readonly storage: Storage;
  readonly dtype: DType;
  readonly shape: Shape;
  readonly strides: Shape;
  readonly offset: number;
}

export type UnaryOp =
  | "neg"
  | "abs"
  | "sign"
  | "exp"
  | "log"
  | "sqrt"
  | "rsqrt"
  | "square"
  | "reciprocal"
  | "tanh"
  | "sigmoid"
  | "relu"
  | "sin"
  | "cos"
  | "floor"
  | "ceil"
  | "round";

export type BinaryOp =
  | "add"
  | "sub"
  | "mul"
  | "div"
  | "pow"
  | "maximum"
  | "minimum"
  | "equal"
  | "notEqual"
  | "less"
  | "lessEqual"
  | "greater"
  | "greaterEqual";

export type ReduceOp = "sum" | "max" | "min" | "prod";

/** A (batched) matrix product; operands are read transposed in place when asked. */
export interface MatMulSpec {
  /** Leading batch shape of the output (may be []). */
  readonly batchShape: Shape;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  /** Element strides between consecutive batch matrices of a, b (0 = broadcast). */
  readonly batchStridesA: Shape;
  readonly batchStridesB: Shape;
}

/** A single in-place matrix product (see `Kernels.gemm`). */
export interface GemmSpec {
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly alpha: number;
  readonly beta: number;
}

/** Kernels write into `out`, a contiguous storage the op allocated with the output's shape. */
export interface Kernels {
  fill(out: Storage, value: number): void;
  /** Copy a strided view into contiguous `out`, converting dtype if they differ. */
  copy(x: View, out: Storage): void;
  /** Copy a strided view into a strided window `dst` of the same shape. */
  copyInto(x: View, dst: View): void;
  unary(op: UnaryOp, x: View, out: Storage): void;
  binary(op: BinaryOp, a: View, b: View, outShape: Shape, out: Storage): void;
  where(condition: View, a: View, b: View, outShape: Shape, out: Storage): void;
  clip(x: View, min: number, max: number, out: Storage): void;
  /** Reduce over `axes` (sorted); `out` has the input's shape without them. */
  reduce(op: ReduceOp, x: View, axes: readonly number[], out: Storage): void;
  /** Index of the max/min along `axis`, into int32 `out`. */
  argReduce(op: "argmax" | "argmin", x: View, axis: number, out: Storage): void;
  matMul(a: View, b: View, spec: MatMulSpec, out: Storage): void;
  /**
   * out = alpha·op(a)·op(b) + beta·out for 2-D views, writing into `out` in place
   * (beta = 0 ignores out's old contents). The building block of fused ops.
   */
  gemm(a: View, b: View, out: View, spec: GemmSpec): void;
  /**
   * Pack op(b) ([k, n]; b stored [n, k] if transposeB) once for many
   * `gemmPacked` products; the handle owns the copy (see packed-b.ts).
   */
  packB(b: View, transposeB: boolean): PackedB;
  /** out = alpha·op(a)·B + beta·out with B packed by `packB`, in place like `gemm`. */
  gemmPacked(a: View, packed: PackedB, out: View, spec: PackedGemmSpec): void;
  /**
   * Run one element-wise program over `rows` × `width` elements of float32
   * `operands` addressed by `layout` (format and ops in row-program.ts).
   */
  rowProgram(
    program: RowProgram,
    operands: readonly Storage[],
    layout: Int32Array,
    rows: number,
    width: number,
  ): void;
  /**
   * Run a recurrence: per step, packed-B GEMMs and row programs over the
   * same rows, operands addressed affinely in the step (recurrence.ts).
   */
  recurrence(spec: Recurrence, operands: readonly Storage[]): void;
  /** Softmax or log-softmax along `axis`. */
  softmax(x: View, axis: number, log: boolean, out: Storage): void;
  /** out = x.take(indices, axis): `out` has shape x[:axis] + indices + x[axis+1:]. */
  gather(x: View, indices: View, axis: number, out: Storage): void;
  /** Adds each slice of `updates` into `out` (shape `outShape`) at `indices` along `axis`; `out` is not cleared. */
  scatterAdd(updates: View, indices: View, axis: number, outShape: Shape, out: Storage): void;
}

export interface MemoryInfo {
  /** Bytes held by live storage. */
  readonly liveBytes: number;
  /** Live storage blocks. */
  readonly liveBuffers: number;
  /** Bytes the backend has reserved in all (live, cached for reuse, and free). */
  readonly reservedBytes: number;
}

export interface Backend {
  readonly name: string;
  /** Uninitialised storage for `length` elements (kernels overwrite it). */
  alloc(dtype: DType, length: number): Storage;
  /** Kernels this backend runs itself; the rest fall back to `js`. */
  readonly kernels: Partial<Kernels>;
  memory(): MemoryInfo;
}

const backends = new Map<string, Backend>();
let active: Backend | undefined;
let builtins: BuiltinBackends | undefined;

/** Registers the built-in backends on first use; every entry point below calls it. */
function ensureBuiltins(): BuiltinBackends {
  if (builtins === undefined) {
    builtins = builtinBackends();
    for (const backend of builtins.available) backends.set(backend.name, backend);
  }
  return builtins;
}

/** Make a backend available by name (the built-in ones are always there). */
export function registerBackend(backend: Backend): void {
  ensureBuiltins();
  backends.set(backend.name, backend);
}

export function listBackends(): string[] {
  ensureBuiltins();
  return [...backends.keys()];
}

/**
 * Choose the backend new tensors live on and ops run on, for the whole
 * process. Tensors made before keep their storage; host-memory backends can
 * read each other's.
 */
export function setBackend(nameOrBackend: string | Backend): Backend {
  if (typeof nameOrBackend !== "string") {
    registerBackend(nameOrBackend);
    active = nameOrBackend;
    return active;
  }
  ensureBuiltins();
  const backend = backends.get(nameOrBackend);
  if (backend === undefined) {
    throw new TensorError(
      "BACKEND",
      `setBackend: unknown backend "${nameOrBackend}"; registered: ${listBackends().join(", ")}`,
    );
  }
  active = backend;
  return backend;
}

export function getBackend(): Backend {
  if (active === undefined) active = ensureBuiltins().preferred;
  return active;
}

/**
 * The kernel `name` for the active backend: one registered for it
 * (`registerKernel`), else its own, else one registered for "js", else the
 * js fallback's. Throws, naming the backend, when none exists.
 */
export function kernel<K extends KernelName>(name: K): KernelTypes[K] {
  const backend = getBackend();
  const registered = getRegisteredKernel(name, backend.name);
  if (registered !== undefined) return registered;
  const own = (backend.kernels as Partial<KernelTypes>)[name];
  if (own !== undefined) return own as KernelTypes[K];
  const js =
    getRegisteredKernel(name, "js") ?? (ensureBuiltins().js.kernels as Partial<KernelTypes>)[name];
  if (js === undefined) {
    throw new TensorError(
      "BACKEND",
      `kernel: '${name}' is not registered for backend '${backend.name}' (nor for 'js'); registerKernel({ kernelName: "${name}", backendName: "${backend.name}", kernelFunc }) adds it`,
    );
  }
  return js as KernelTypes[K];
}
