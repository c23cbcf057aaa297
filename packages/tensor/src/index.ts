/**
 * @recurrent/tensor — n-d arrays for sequence models.
 *
 * dtypes float32 (default), float64 and int32; views without copies;
 * NumPy broadcasting; reductions; matMul with transposed operands read in
 * place; seeded random numbers; kernels behind a backend interface (`js`,
 * and `wasm` with SIMD GEMM, the default where WebAssembly SIMD exists).
 */

export type {
  Backend,
  BinaryOp,
  GemmSpec,
  Kernels,
  MatMulSpec,
  MemoryInfo,
  ReduceOp,
  UnaryOp,
  View,
} from "./backend.js";
export { getBackend, kernel, listBackends, registerBackend, setBackend } from "./backend.js";
export type { ArrayOf, DType, FloatDType, TypedArray } from "./dtype.js";
export { isFloat } from "./dtype.js";
export type { TensorErrorCode } from "./errors.js";
export { DTypeError, ShapeError, TensorError } from "./errors.js";
export type { KernelConfig, KernelName, KernelTypes } from "./kernel-registry.js";
export {
  getRegisteredKernel,
  listRegisteredKernels,
  registerKernel,
  unregisterKernel,
} from "./kernel-registry.js";
export * from "./ops/index.js";
export type { PackedB, PackedGemmSpec } from "./packed-b.js";
export type { GeneratorState } from "./random.js";
export { Generator } from "./random.js";
export type { OpAttrs, OpName, Recorder } from "./record.js";
export { recordOp, setRecorder } from "./record.js";
export type {
  Recurrence,
  RecurrenceKernel,
  RecurrenceOp,
  StepAddress,
} from "./recurrence.js";
export { checkRecurrence, runRecurrence } from "./recurrence.js";
export type { RowOpCode, RowProgram, RowProgramKernel } from "./row-program.js";
export { checkRowProgramCall, ROW_OP_COUNT, RowOp } from "./row-program.js";
export {
  canCompileJs,
  canCompileWasm,
  warnRuntimeCompilationRefused,
} from "./runtime-compilation.js";
export { keep, tidy } from "./scope.js";
export type { Shape } from "./shape.js";
export { broadcastShapes, sizeOf } from "./shape.js";
export { ArrayStorage, Storage } from "./storage.js";
export type { GradNode, NestedArray } from "./tensor.js";
export { Tensor } from "./tensor.js";
