// Entry point compiled by scripts/build-wasm.mjs: re-exports every kernel of the module.
// One concept per file; all pointers are byte offsets into the imported `env.memory`,
// which JS creates and owns (the kernels never allocate or grow it).

export { heapBase, zeroBytes } from "./memory";
export { sgemm, sgemmWorkBytes, sgemmPackedB, packWholeB, packedBBytes } from "./gemm";
export { dgemm, dgemmWorkBytes } from "./dgemm";
export {
  add,
  sub,
  mul,
  div,
  addRow,
  subRow,
  mulRow,
  divRow,
  addColumn,
  subColumn,
  mulColumn,
  divColumn,
} from "./elementwise";
export { exp, log, tanh, sigmoid, relu } from "./unary";
export { sum, colSum } from "./reduce";
export { sgemv } from "./gemv";
export { rowProgram } from "./row-program";
export { recurrence } from "./recurrence";
export { softmaxRows } from "./softmax";
