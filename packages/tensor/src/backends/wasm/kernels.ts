// Loads the WebAssembly SIMD kernels compiled from assembly/ (embedded as base64 by
// scripts/build-wasm.mjs) into a caller-owned WebAssembly.Memory and exposes them typed.
// Synchronous and free of Node-only APIs, so the same code runs in Node and in browsers.
//
// Memory contract: the module imports `env.memory` and never allocates or grows it. The caller
// owns the heap from `heapBase` upward, passes every array as a byte offset (f32 data 16-byte
// aligned or better; 64 recommended), and gives sgemm/dgemm a scratch block of
// `sgemmWorkBytes(m, n, k)` / `dgemmWorkBytes(m, n, k)` bytes (16-byte aligned).
// If the caller grows the memory, typed-array views must be recreated; the kernels need nothing.

import { kernelsWasmBase64 } from "../../generated/kernels-wasm.js";

/** Byte offset into the kernels' linear memory. */
export type Ptr = number;

/** Every function the kernel module exports. Pointers are byte offsets; sizes are element counts. */
export interface WasmKernels extends WasmRecurrentKernels, WasmSequenceKernels {
  /**
   * Matrix–vector product, BLAS-style: trans 0: y = α·A·x + β·y (A [rows, cols], lda);
   * trans 1: y = α·Aᵀ·x + β·y. x and y contiguous f32. No scratch, no packing.
   */
  sgemv(
    trans: number,
    rows: number,
    cols: number,
    alpha: number,
    a: Ptr,
    lda: number,
    x: Ptr,
    beta: number,
    y: Ptr,
  ): void;
  /** First byte the JS allocator may use (everything below belongs to the module). */
  readonly heapBase: number;
  /**
   * C = alpha·op(A)·op(B) + beta·C, row-major f32. op(A) is [m,k] (stored [k,m] if transA),
   * op(B) is [k,n] (stored [n,k] if transB). beta = 0 ignores C's contents (even NaN).
   * `work` must hold sgemmWorkBytes(m, n, k) bytes.
   */
  sgemm(
    transA: number,
    transB: number,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Ptr,
    lda: number,
    b: Ptr,
    ldb: number,
    beta: number,
    c: Ptr,
    ldc: number,
    work: Ptr,
  ): void;
  /** Scratch bytes sgemm needs (0 when m, n or k is 0). */
  sgemmWorkBytes(m: number, n: number, k: number): number;
  /** sgemm with op(B) [k, n] packed beforehand by packWholeB; `work` as for sgemm. */
  sgemmPackedB(
    transA: number,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Ptr,
    lda: number,
    packedB: Ptr,
    beta: number,
    c: Ptr,
    ldc: number,
    work: Ptr,
  ): void;
  /** Packs all of op(B) [k, n] (B stored [n, k] if transB) into `dst` for sgemmPackedB. */
  packWholeB(transB: number, n: number, k: number, b: Ptr, ldb: number, dst: Ptr): void;
  /** Bytes packWholeB writes for an op(B) of [k, n]. */
  packedBBytes(n: number, k: number): number;
  /** f64 GEMM, same contract as sgemm; `work` must hold dgemmWorkBytes(m, n, k) bytes. */
  dgemm(
    transA: number,
    transB: number,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Ptr,
    lda: number,
    b: Ptr,
    ldb: number,
    beta: number,
    c: Ptr,
    ldc: number,
    work: Ptr,
  ): void;
  /** Scratch bytes dgemm needs (0 when m, n or k is 0). */
  dgemmWorkBytes(m: number, n: number, k: number): number;
  /** out[i] = a[i] + b[i], n floats; out may equal a or b. */
  add(a: Ptr, b: Ptr, out: Ptr, n: number): void;
  /** out[i] = a[i] - b[i]. */
  sub(a: Ptr, b: Ptr, out: Ptr, n: number): void;
  /** out[i] = a[i] * b[i]. */
  mul(a: Ptr, b: Ptr, out: Ptr, n: number): void;
  /** out[i] = a[i] / b[i]. */
  div(a: Ptr, b: Ptr, out: Ptr, n: number): void;
  /** out[r,j] = a[r,j] + b[j] for a [rows, cols], b [cols]. */
  addRow(a: Ptr, b: Ptr, out: Ptr, rows: number, cols: number): void;
  /** out[r,j] = a[r,j] - b[j]. */
  subRow(a: Ptr, b: Ptr, out: Ptr, rows: number, cols: number): void;
  /** out[r,j] = a[r,j] * b[j]. */
  mulRow(a: Ptr, b: Ptr, out: Ptr, rows: number, cols: number): void;
  /** out[r,j] = a[r,j] / b[j]. */
  divRow(a: Ptr, b: Ptr, out: Ptr, rows: number, cols: number): void;
  /** out[r,j] = a[r,j] + b[r] for a [rows, cols], b [rows] (a scalar b: rows = 1). */
  addColumn(a: Ptr, b: Ptr, out: Ptr, rows: number, cols: number): void;
  /** out[r,j] = a[r,j] - b[r]. */
  subColumn(a: Ptr, b: Ptr, out: Ptr, rows: number, cols: number): void;
  /** out[r,j] = a[r,j] * b[r]. */
  mulColumn(a: Ptr, b: Ptr, out: Ptr, rows: number, cols: number): void;
  /** out[r,j] = a[r,j] / b[r]. */
  divColumn(a: Ptr, b: Ptr, out: Ptr, rows: number, cols: number): void;
  /**
   * Softmax (log ≠ 0: log-softmax) of each row of x [rows, cols] into out (may equal x),
   * shifted by the row max, summed in f64.
   */
  softmaxRows(x: Ptr, out: Ptr, rows: number, cols: number, log: number): void;
  /** out[i] = exp(a[i]); out may equal a. */
  exp(a: Ptr, out: Ptr, n: number): void;
  /** out[i] = log(a[i]). */
  log(a: Ptr, out: Ptr, n: number): void;
  /** out[i] = tanh(a[i]). */
  tanh(a: Ptr, out: Ptr, n: number): void;
  /** out[i] = 1 / (1 + exp(-a[i])). */
  sigmoid(a: Ptr, out: Ptr, n: number): void;
  /** out[i] = max(a[i], 0) (NaN stays NaN). */
  relu(a: Ptr, out: Ptr, n: number): void;
  /** Σ a[i] over n floats, accumulated and returned in f64. */
  sum(a: Ptr, n: number): number;
  /** out[j] = Σ_r a[r,j] for a [rows, cols] (f64 accumulation); accumulate ≠ 0 adds to out. */
  colSum(a: Ptr, out: Ptr, rows: number, cols: number, accumulate: number): void;
}

/** The fused recurrent step kernels (assembly/recurrent.ts): pointers, element strides, batch, hidden. */
export interface WasmRecurrentKernels {
  lstmForward(
    batch: number,
    hidden: number,
    gates: Ptr,
    gs: number,
    cPrev: Ptr,
    cps: number,
    hPrev: Ptr,
    hps: number,
    c: Ptr,
    cs: number,
    h: Ptr,
    hs: number,
    y: Ptr,
    ys: number,
    mask: Ptr,
  ): void;
  lstmBackward(
    batch: number,
    hidden: number,
    gates: Ptr,
    gs: number,
    cPrev: Ptr,
    cps: number,
    c: Ptr,
    cs: number,
    mask: Ptr,
    dh: Ptr,
    dhs: number,
    dy: Ptr,
    dys: number,
    dc: Ptr,
    dcs: number,
    dGates: Ptr,
    dgs: number,
    dhPass: Ptr,
    dps: number,
  ): void;
  gruForward(
    batch: number,
    hidden: number,
    xp: Ptr,
    xs: number,
    hp: Ptr,
    hps: number,
    gates: Ptr,
    gs: number,
    hPrev: Ptr,
    prs: number,
    h: Ptr,
    hs: number,
    y: Ptr,
    ys: number,
    mask: Ptr,
  ): void;
  gruBackward(
    batch: number,
    hidden: number,
    gates: Ptr,
    gs: number,
    hp: Ptr,
    hps: number,
    hPrev: Ptr,
    prs: number,
    mask: Ptr,
    dh: Ptr,
    dhs: number,
    dy: Ptr,
    dys: number,
    dxp: Ptr,
    dxs: number,
    dhp: Ptr,
    dhps: number,
    dhPass: Ptr,
    dps: number,
  ): void;
  rnnForward(
    batch: number,
    hidden: number,
    relu: number,
    pre: Ptr,
    ps: number,
    hPrev: Ptr,
    prs: number,
    h: Ptr,
    hs: number,
    y: Ptr,
    ys: number,
    mask: Ptr,
  ): void;
  rnnBackward(
    batch: number,
    hidden: number,
    relu: number,
    act: Ptr,
    as: number,
    mask: Ptr,
    dh: Ptr,
    dhs: number,
    dy: Ptr,
    dys: number,
    dPre: Ptr,
    dps: number,
    dhPass: Ptr,
    pps: number,
  ): void;
}

/**
 * Whole recurrences over batch rows [row0, row0 + rows) (assembly/sequence.ts): per-step
 * buffers [T·B, width], states [B, H], mask [T, B] or 0, dy [T·B, H] or 0, flags 0/1,
 * `work` of sgemmWorkBytes(rows, gates·H, gates·H) bytes, and the recurrent weights packed by
 * packWholeB: `wT` = W_hhᵀ [H, gates·H] forward, `w` = W_hh [gates·H, H] backward.
 */
export interface WasmSequenceKernels {
  lstmSequenceForward(
    steps: number,
    batch: number,
    hidden: number,
    reverse: number,
    row0: number,
    rows: number,
    gates: Ptr,
    wT: Ptr,
    h0: Ptr,
    c0: Ptr,
    cells: Ptr,
    states: Ptr,
    y: Ptr,
    mask: Ptr,
    work: Ptr,
  ): void;
  lstmSequenceBackward(
    steps: number,
    batch: number,
    hidden: number,
    reverse: number,
    row0: number,
    rows: number,
    gates: Ptr,
    cells: Ptr,
    c0: Ptr,
    w: Ptr,
    mask: Ptr,
    dy: Ptr,
    dh: Ptr,
    dc: Ptr,
    dGates: Ptr,
    scratch: Ptr,
    work: Ptr,
  ): void;
  gruSequenceForward(
    steps: number,
    batch: number,
    hidden: number,
    reverse: number,
    row0: number,
    rows: number,
    xp: Ptr,
    hp: Ptr,
    gates: Ptr,
    wT: Ptr,
    h0: Ptr,
    states: Ptr,
    y: Ptr,
    mask: Ptr,
    work: Ptr,
  ): void;
  gruSequenceBackward(
    steps: number,
    batch: number,
    hidden: number,
    reverse: number,
    row0: number,
    rows: number,
    gates: Ptr,
    hp: Ptr,
    states: Ptr,
    h0: Ptr,
    w: Ptr,
    mask: Ptr,
    dy: Ptr,
    dh: Ptr,
    dxp: Ptr,
    dhp: Ptr,
    scratch: Ptr,
    work: Ptr,
  ): void;
  rnnSequenceForward(
    steps: number,
    batch: number,
    hidden: number,
    relu: number,
    reverse: number,
    row0: number,
    rows: number,
    pre: Ptr,
    wT: Ptr,
    h0: Ptr,
    states: Ptr,
    y: Ptr,
    mask: Ptr,
    work: Ptr,
  ): void;
  rnnSequenceBackward(
    steps: number,
    batch: number,
    hidden: number,
    relu: number,
    reverse: number,
    row0: number,
    rows: number,
    act: Ptr,
    w: Ptr,
    mask: Ptr,
    dy: Ptr,
    dh: Ptr,
    dPre: Ptr,
    scratch: Ptr,
    work: Ptr,
  ): void;
}

/** Names of the kernel functions, in the order of WasmKernels (all but heapBase). */
export const kernelNames = [
  "sgemm",
  "sgemmWorkBytes",
  "sgemmPackedB",
  "packWholeB",
  "packedBBytes",
  "dgemm",
  "dgemmWorkBytes",
  "add",
  "sub",
  "mul",
  "div",
  "addRow",
  "subRow",
  "mulRow",
  "divRow",
  "addColumn",
  "subColumn",
  "mulColumn",
  "divColumn",
  "exp",
  "log",
  "tanh",
  "sigmoid",
  "relu",
  "sum",
  "colSum",
  "sgemv",
  "softmaxRows",
  "lstmForward",
  "lstmBackward",
  "gruForward",
  "gruBackward",
  "rnnForward",
  "rnnBackward",
  "lstmSequenceForward",
  "lstmSequenceBackward",
  "gruSequenceForward",
  "gruSequenceBackward",
  "rnnSequenceForward",
  "rnnSequenceBackward",
] as const satisfies readonly Exclude<keyof WasmKernels, "heapBase">[];

const base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Decodes standard base64 (with or without padding) without atob or Buffer. */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const lookup = new Uint8Array(128).fill(255);
  for (let i = 0; i < base64Alphabet.length; i++) lookup[base64Alphabet.charCodeAt(i)] = i;
  const clean = text.replace(/=+$/, "");
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let bitCount = 0;
  let written = 0;
  for (let i = 0; i < clean.length; i++) {
    const code = clean.charCodeAt(i);
    const value = code < 128 ? (lookup[code] ?? 255) : 255;
    if (value === 255) throw new Error(`invalid base64 character at ${i}`);
    bits = (bits << 6) | value;
    bitCount += 6;
    if (bitCount >= 8) {
      bitCount -= 8;
      out[written++] = (bits >> bitCount) & 0xff;
    }
  }
  return out;
}

// The smallest module using a SIMD instruction: (func (result v128) v128.const 0).
const simdProbe = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03,
  0x02, 0x01, 0x00, 0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b,
]);

/** True when this engine has WebAssembly with fixed-width SIMD (Node ≥ 16.4, current browsers). */
export function simdSupported(): boolean {
  return typeof WebAssembly === "object" && WebAssembly.validate(simdProbe);
}

const compiledModules = new Map<string, WebAssembly.Module>();

/** Compiles a base64-encoded kernel build synchronously, once per build. */
export function compileKernels(base64: string): WebAssembly.Module {
  let module = compiledModules.get(base64);
  if (module === undefined) {
    if (!simdSupported()) throw new Error("WebAssembly SIMD is not supported by this engine");
    module = new WebAssembly.Module(decodeBase64(base64));
    compiledModules.set(base64, module);
  }
  return module;
}

/**
 * The compiled kernel module over a private memory. (The build over a shared memory, for
 * threads, is `sharedKernelsModule` in kernels-shared.ts, kept apart so that bundles without
 * threads do not carry it.)
 */
export function kernelsModule(): WebAssembly.Module {
  return compileKernels(kernelsWasmBase64);
}

/**
 * Instantiates the kernels (`module`, by default the private-memory build) over `memory`,
 * which must outlive them, and returns them typed.
 */
export function instantiateKernels(
  memory: WebAssembly.Memory,
  module: WebAssembly.Module = kernelsModule(),
): WasmKernels {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const exports = instance.exports as Record<string, unknown>;
  const heapBase = exports.heapBase;
  if (typeof heapBase !== "function") throw new Error("kernel module lacks heapBase");
  const kernels: Record<string, unknown> = { heapBase: (heapBase as () => number)() };
  for (const name of kernelNames) {
    const fn = exports[name];
    if (typeof fn !== "function") throw new Error(`kernel module lacks ${name}`);
    kernels[name] = fn;
  }
  if (!isWasmKernels(kernels)) throw new Error("kernel module lacks heapBase");
  return kernels;
}

/** Every kernel name a function and heapBase a number: what `WasmKernels` promises. */
function isWasmKernels(
  kernels: Record<string, unknown>,
): kernels is Record<string, unknown> & WasmKernels {
  return (
    typeof kernels.heapBase === "number" &&
    kernelNames.every((name) => typeof kernels[name] === "function")
  );
}
