/**
 * The `wasm` backend: every tensor's storage lives in one WebAssembly
 * linear memory, so the SIMD kernels read their operands where they are and
 * write results in place, with no copies in or out. Kernels it lacks (and
 * operands it cannot take: other dtypes, odd strides, storage of another
 * backend) fall back to the js kernels, which read the same memory through
 * typed-array views, also without copying.
 */
import type {
  Backend,
  BinaryOp,
  GemmSpec,
  Kernels,
  MatMulSpec,
  MemoryInfo,
  ReduceOp,
  UnaryOp,
  View,
} from "../../backend.js";
import { bytesPerElement, type DType } from "../../dtype.js";
import { type Shape, sizeOf } from "../../shape.js";
import type { Storage } from "../../storage.js";
import { jsKernels } from "../js/backend.js";
import { batchOffsets } from "../js/mat-mul.js";
import { isDense } from "../js/strided.js";
import { LinearAllocator } from "./allocator.js";
import { instantiateKernels, type WasmKernels } from "./kernels.js";
import { packedBKernels } from "./packed-b.js";
import {
  columnSplitSgemm,
  gemmThreshold,
  recurrenceThreshold,
  rowBlocks,
  type ThreadPool,
} from "./parallel.js";
import { recurrenceKernel } from "./recurrence.js";
import { rowProgramKernel } from "./row-program.js";
import { WasmStorage } from "./storage.js";

/** How a matrix operand sits in memory: row-major with leading dimension `ld`, maybe transposed. */
interface Layout {
  readonly transposed: boolean;
  readonly ld: number;
}

function layoutOf(rows: number, cols: number, rowStride: number, colStride: number): Layout | null {
  if ((colStride === 1 || cols === 1) && (rowStride >= cols || rows === 1)) {
    return { transposed: false, ld: rows === 1 ? Math.max(cols, 1) : rowStride };
  }
  if ((rowStride === 1 || rows === 1) && (colStride >= rows || cols === 1)) {
    return { transposed: true, ld: cols === 1 ? Math.max(rows, 1) : colStride };
  }
  return null;
}

const unaryKernels: Partial<Record<UnaryOp, "exp" | "log" | "tanh" | "sigmoid" | "relu">> = {
  exp: "exp",
  log: "log",
  tanh: "tanh",
  sigmoid: "sigmoid",
  relu: "relu",
};

type Arithmetic = "add" | "sub" | "mul" | "div";
/** Per op: the same-shape kernel, the row-broadcast one and the column-broadcast one. */
const binaryKernels: Partial<
  Record<BinaryOp, [Arithmetic, `${Arithmetic}Row`, `${Arithmetic}Column`]>
> = {
  add: ["add", "addRow", "addColumn"],
  sub: ["sub", "subRow", "subColumn"],
  mul: ["mul", "mulRow", "mulColumn"],
  div: ["div", "divRow", "divColumn"],
};

export interface WasmBackendOptions {
  readonly name?: string;
  /** The linear memory (a shared one for threads); a new private one by default. */
  readonly memory?: WebAssembly.Memory;
  /** The compiled kernels to run (the shared-memory build for a shared `memory`); the private-memory build by default. */
  readonly module?: WebAssembly.Module;
}

export class WasmBackend implements Backend {
  /** The linear memory every wasm tensor lives in. */
  readonly linearMemory: WebAssembly.Memory;
  readonly wasm: WasmKernels;
  private readonly allocator: LinearAllocator;
  readonly kernels: Partial<Kernels>;

  readonly name: string;
  /** Worker threads sharing this memory, when threads are enabled. */
  private pool: ThreadPool | null = null;
  private parallelSgemm: WasmKernels["sgemm"] | null = null;

  constructor(options: WasmBackendOptions = {}) {
    this.name = options.name ?? "wasm";
    this.linearMemory = options.memory ?? new WebAssembly.Memory({ initial: 256 });
    this.wasm = instantiateKernels(this.linearMemory, options.module);
    this.allocator = new LinearAllocator(this.linearMemory, this.wasm.heapBase);
    this.kernels = {
      fill: (out, value) => this.fill(out, value),
      matMul: (a, b, spec, out) => this.matMul(a, b, spec, out),
      gemm: (a, b, out, spec) => this.gemm(a, b, out, spec),
      rowProgram: rowProgramKernel(this),
      recurrence: recurrenceKernel(this),
      ...packedBKernels(this),
      unary: (op, x, out) => this.unary(op, x, out),
      binary: (op, a, b, shape, out) => this.binary(op, a, b, shape, out),
      reduce: (op, x, axes, out) => this.reduce(op, x, axes, out),
      softmax: (x, axis, log, out) => this.softmax(x, axis, log, out),
      scatterAdd: (updates, indices, axis, shape, out) =>
        this.scatterAdd(updates, indices, axis, shape, out),
    };
  }

  alloc(dtype: DType, length: number): WasmStorage {
    const ptr = this.allocator.alloc(length * bytesPerElement[dtype]);
    return new WasmStorage(this.linearMemory, this.allocator, dtype, length, ptr);
  }

  memory(): MemoryInfo {
    const s = this.allocator.stats();
    return { liveBytes: s.liveBytes, liveBuffers: s.liveBlocks, reservedBytes: s.reservedBytes };
  }

  /** Share large products and recurrences with a thread pool (see threads.ts); null: one thread. */
  setThreadPool(pool: ThreadPool | null): void {
    this.pool = pool;
    this.parallelSgemm = pool === null ? null : columnSplitSgemm(pool);
  }

  /** sgemm, or the column-split version for a product of `work` multiply-adds worth splitting. */
  private sgemmOn(work: number): WasmKernels["sgemm"] {
    return this.parallelSgemm === null || work < gemmThreshold
      ? this.wasm.sgemm
      : this.parallelSgemm;
  }

  /** Blocks of rows `splitRows` would use: one unless a pool is on, `split` allows and `macs` are worth it. */
  rowBlockCount(rows: number, macs: number, split: boolean): number {
    return this.rowBlocksFor(rows, macs, split).length;
  }

  private rowBlocksFor(rows: number, macs: number, split: boolean): [number, number][] {
    const pool = this.pool;
    return pool === null || !split || macs < recurrenceThreshold
      ? [[0, rows]]
      : rowBlocks(rows, pool.threads);
  }

  /**
   * Runs the `recurrence` kernel over `rows` rows: on this thread, or one
   * block of rows per thread (see rowBlockCount); `argsOf(row0, rows, work,
   * part)` gives each call's arguments (workers bring their own GEMM scratch).
   */
  splitRows(
    rows: number,
    macs: number,
    split: boolean,
    work: number,
    argsOf: (row0: number, rows: number, work: number, part: number) => readonly number[],
  ): void {
    const blocks = this.rowBlocksFor(rows, macs, split);
    const pool = this.pool;
    if (pool === null || blocks.length === 1) {
      this.wasm.recurrence(...(argsOf(0, rows, work, 0) as Parameters<WasmKernels["recurrence"]>));
      return;
    }
    pool.run("recurrence", blocks.length, work, (part, w) => {
      const [row0, count] = blocks[part] as [number, number];
      return argsOf(row0, count, w, part);
    });
  }

  /** A raw scratch block in linear memory, for the thread pool's control blocks and scratch. */
  allocBytes(bytes: number): number {
    return this.allocator.alloc(bytes);
  }

  /** Gives back a block from allocBytes. */
  freeBytes(ptr: number, bytes: number): void {
    this.allocator.free(ptr, bytes);
  }

  /** Byte address of element `offset` of a wasm-resident view, or null if it lives elsewhere. */
  address(view: View | Storage, offset = 0): number | null {
    const storage = "storage" in view ? view.storage : view;
    if (!(storage instanceof WasmStorage)) return null;
    const elementOffset = "storage" in view ? view.offset + offset : offset;
    return storage.ptr + elementOffset * bytesPerElement[storage.dtype];
  }

  private matMul(a: View, b: View, spec: MatMulSpec, out: Storage): void {
    const float = a.dtype === "float32" || a.dtype === "float64";
    const pa = this.address(a);
    const pb = this.address(b);
    const pc = this.address(out);
    const ra = a.strides.length;
    const rb = b.strides.length;
    const [aRows, aCols] = spec.transposeA ? [spec.k, spec.m] : [spec.m, spec.k];
    const [bRows, bCols] = spec.transposeB ? [spec.n, spec.k] : [spec.k, spec.n];
    const la = layoutOf(aRows, aCols, a.strides[ra - 2] as number, a.strides[ra - 1] as number);
    const lb = layoutOf(bRows, bCols, b.strides[rb - 2] as number, b.strides[rb - 1] as number);
    if (
      !float ||
      pa === null ||
      pb === null ||
      pc === null ||
      la === null ||
      lb === null ||
      a.dtype !== out.dtype
    ) {
      jsKernels.matMul(a, b, spec, out);
      return;
    }
    const { m, n, k } = spec;
    const size = bytesPerElement[a.dtype];
    if (
      m === 1 &&
      a.dtype === "float32" &&
      this.gemv(pa, la, spec.transposeA, pb, lb, spec.transposeB, pc, n, k, 1, 0, spec)
    )
      return;
    const double = a.dtype === "float64";
    const workBytes = double
      ? this.wasm.dgemmWorkBytes(m, n, k)
      : this.wasm.sgemmWorkBytes(m, n, k);
    const work = this.allocator.alloc(workBytes);
    const gemm = double ? this.wasm.dgemm : this.sgemmOn(m * n * k);
    const offA = batchOffsets(0, spec.batchShape, spec.batchStridesA);
    const offB = batchOffsets(0, spec.batchShape, spec.batchStridesB);
    const ta = spec.transposeA !== la.transposed ? 1 : 0;
    const tb = spec.transposeB !== lb.transposed ? 1 : 0;
    for (let batch = 0; batch < offA.length; batch++) {
      gemm(
        ta,
        tb,
        m,
        n,
        k,
        1,
        pa + (offA[batch] as number) * size,
        la.ld,
        pb + (offB[batch] as number) * size,
        lb.ld,
        0,
        pc + batch * m * n * size,
        n,
        work,
      );
    }
    this.allocator.free(work, workBytes);
  }

  private gemm(a: View, b: View, out: View, spec: GemmSpec): void {
    const pa = this.address(a);
    const pb = this.address(b);
    const pc = this.address(out);
    const [m, n] = out.shape as [number, number];
    const k = spec.transposeA ? (a.shape[0] as number) : (a.shape[1] as number);
    const la = layoutOf(
      a.shape[0] as number,
      a.shape[1] as number,
      a.strides[0] as number,
      a.strides[1] as number,
    );
    const lb = layoutOf(
      b.shape[0] as number,
      b.shape[1] as number,
      b.strides[0] as number,
      b.strides[1] as number,
    );
    const lc = layoutOf(m, n, out.strides[0] as number, out.strides[1] as number);
    const float = a.dtype === "float32" || a.dtype === "float64";
    if (
      !float ||
      pa === null ||
      pb === null ||
      pc === null ||
      la === null ||
      lb === null ||
      lc === null ||
      lc.transposed ||
      a.dtype !== out.dtype ||
      b.dtype !== out.dtype
    ) {
      jsKernels.gemm(a, b, out, spec);
      return;
    }
    if (
      m === 1 &&
      a.dtype === "float32" &&
      this.gemv(pa, la, spec.transposeA, pb, lb, spec.transposeB, pc, n, k, spec.alpha, spec.beta)
    ) {
      return;
    }
    const double = a.dtype === "float64";
    const workBytes = double
      ? this.wasm.dgemmWorkBytes(m, n, k)
      : this.wasm.sgemmWorkBytes(m, n, k);
    const work = this.allocator.alloc(workBytes);
    (double ? this.wasm.dgemm : this.sgemmOn(m * n * k))(
      spec.transposeA !== la.transposed ? 1 : 0,
      spec.transposeB !== lb.transposed ? 1 : 0,
      m,
      n,
      k,
      spec.alpha,
      pa,
      la.ld,
      pb,
      lb.ld,
      spec.beta,
      pc,
      lc.ld,
      work,
    );
    this.allocator.free(work, workBytes);
  }

  /**
   * A one-row product c[1,n] = α·x[1,k]·op(B) + β·c through sgemv, when x's k
   * elements are contiguous (no packing: for one row it would cost more than
   * the product). Returns false when the layout does not allow it.
   */
  private gemv(
    pa: number,
    la: Layout,
    transposeA: boolean,
    pb: number,
    lb: Layout,
    transposeB: boolean,
    pc: number,
    n: number,
    k: number,
    alpha: number,
    beta: number,
    batch?: MatMulSpec,
  ): boolean {
    if (batch !== undefined && batch.batchShape.length > 0 && sizeOf(batch.batchShape) !== 1)
      return false;
    // x = op(A) as a row: contiguous when A is read untransposed from a row-major row, or
    // transposed from a column of a matrix whose leading dimension is 1.
    const xContiguous = transposeA === la.transposed || k <= 1;
    if (!xContiguous) return false;
    // op(B) = Bᵀ of a row-major [n, k] store → c = B·x (dot products); else c = Bᵀ·x.
    const bStoredAsNByK = transposeB !== lb.transposed;
    if (bStoredAsNByK) this.wasm.sgemv(0, n, k, alpha, pb, lb.ld, pa, beta, pc);
    else this.wasm.sgemv(1, k, n, alpha, pb, lb.ld, pa, beta, pc);
    return true;
  }

  /** Zeros (the gradient buffers of every step) in wasm; any other value on the js side. */
  private fill(out: Storage, value: number): void {
    const p = this.address(out);
    if (p === null || !Object.is(value, 0)) {
      jsKernels.fill(out, value);
      return;
    }
    this.wasm.zeroBytes(p, out.length * bytesPerElement[out.dtype]);
  }

  private unary(op: UnaryOp, x: View, out: Storage): void {
    const name = unaryKernels[op];
    const px = this.address(x);
    const po = this.address(out);
    if (name === undefined || x.dtype !== "float32" || px === null || po === null || !isDense(x)) {
      jsKernels.unary(op, x, out);
      return;
    }
    this.wasm[name](px, po, out.length);
  }

  private binary(op: BinaryOp, a: View, b: View, shape: Shape, out: Storage): void {
    const names = binaryKernels[op];
    const pa = this.address(a);
    const pb = this.address(b);
    const po = this.address(out);
    if (
      names !== undefined &&
      a.dtype === "float32" &&
      pa !== null &&
      pb !== null &&
      po !== null &&
      isDense(a, shape)
    ) {
      if (isDense(b, shape)) {
        this.wasm[names[0]](pa, pb, po, out.length);
        return;
      }
      // b is one row broadcast over the rows of a: b's shape is a suffix [cols] (leading 1s allowed).
      const cols = shape.length === 0 ? 1 : (shape[shape.length - 1] as number);
      if (
        b.shape.length > 0 &&
        sizeOf(b.shape) === cols &&
        b.shape[b.shape.length - 1] === cols &&
        b.strides[b.strides.length - 1] === 1
      ) {
        this.wasm[names[1]](pa, pb, po, out.length / Math.max(cols, 1), cols);
        return;
      }
      // b is a scalar, or one value per row ([..., rows, 1] against [..., rows, cols]).
      const bSize = sizeOf(b.shape);
      if (bSize === 1) {
        this.wasm[names[2]](pa, pb, po, 1, out.length);
        return;
      }
      if (
        b.shape.length === shape.length &&
        b.shape[b.shape.length - 1] === 1 &&
        bSize * cols === out.length &&
        b.shape.every((d, i) => i === shape.length - 1 || d === shape[i]) &&
        isDense(b)
      ) {
        this.wasm[names[2]](pa, pb, po, bSize, cols);
        return;
      }
    }
    jsKernels.binary(op, a, b, shape, out);
  }

  /** Scatter-add of dense float32 rows (an embedding's gradient): one SIMD add per index. */
  private scatterAdd(updates: View, indices: View, axis: number, shape: Shape, out: Storage): void {
    const pu = this.address(updates);
    const po = this.address(out);
    if (
      updates.dtype !== "float32" ||
      pu === null ||
      po === null ||
      !isDense(updates) ||
      !isDense(indices)
    ) {
      jsKernels.scatterAdd(updates, indices, axis, shape, out);
      return;
    }
    const outer = sizeOf(shape.slice(0, axis));
    const extent = shape[axis] as number;
    const inner = sizeOf(shape.slice(axis + 1));
    const idx = indices.storage.array;
    const count = sizeOf(indices.shape);
    let from = pu;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < count; j++) {
        const row = po + (o * extent + (idx[indices.offset + j] as number)) * inner * 4;
        this.wasm.add(row, from, row, inner);
        from += inner * 4;
      }
    }
  }

  /** Softmax over the last axis of a dense float32 input; anything else runs in js. */
  private softmax(x: View, axis: number, log: boolean, out: Storage): void {
    const px = this.address(x);
    const po = this.address(out);
    const cols = x.shape[x.shape.length - 1] ?? 1;
    if (
      axis !== x.shape.length - 1 ||
      x.dtype !== "float32" ||
      px === null ||
      po === null ||
      !isDense(x) ||
      cols === 0
    ) {
      jsKernels.softmax(x, axis, log, out);
      return;
    }
    this.wasm.softmaxRows(px, po, out.length / cols, cols, log ? 1 : 0);
  }

  private reduce(op: ReduceOp, x: View, axes: readonly number[], out: Storage): void {
    const px = this.address(x);
    const po = this.address(out);
    if (
      op === "sum" &&
      x.dtype === "float32" &&
      px !== null &&
      po !== null &&
      isDense(x) &&
      x.shape.length > 0
    ) {
      if (axes.length === x.shape.length) {
        out.array[0] = this.wasm.sum(px, sizeOf(x.shape));
        return;
      }
      // Leading axes reduced: a column sum over [rows, cols].
      if (axes.every((axis, i) => axis === i)) {
        const rows = sizeOf(x.shape.slice(0, axes.length));
        this.wasm.colSum(px, po, rows, sizeOf(x.shape.slice(axes.length)), 0);
        return;
      }
      // Trailing axes reduced: one sum per row of [rows, cols].
      const first = x.shape.length - axes.length;
      if (axes.every((axis, i) => axis === first + i)) {
        const cols = sizeOf(x.shape.slice(first));
        const rowBytes = cols * 4;
        for (let r = 0; r < out.length; r++) out.array[r] = this.wasm.sum(px + r * rowBytes, cols);
        return;
      }
    }
    jsKernels.reduce(op, x, axes, out);
  }
}
