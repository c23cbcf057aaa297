/**
 * The wasm backend's packed B: op(B) packed once by the GEMM's own packer
 * (assembly/gemm.ts `packWholeB`, panel after panel in the order `sgemm`
 * visits them) into a block of linear memory, then multiplied by
 * `sgemmPackedB` without packing again. float32 only; other dtypes and
 * operands outside linear memory use the js packed B.
 *
 * With threads, `gemmPacked` runs on the calling thread (the pool splits only
 * the plain `gemm` by columns, and a packed B is laid out by column panels of
 * the whole product).
 */
import type { View } from "../../backend.js";
import { TensorError } from "../../errors.js";
import { checkPackedGemm, type PackedB, type PackedGemmSpec } from "../../packed-b.js";
import * as js from "../js/packed-b.js";
import type { WasmKernels } from "./kernels.js";

/** What packing needs of the backend. */
export interface PackedBHost {
  readonly name: string;
  readonly wasm: WasmKernels;
  allocBytes(bytes: number): number;
  freeBytes(ptr: number, bytes: number): void;
  /** Byte address of a view's first element in linear memory, or null. */
  address(view: View): number | null;
}

/** A row-major matrix with unit column stride (or one column): its leading dimension, else null. */
function leading(view: View): number | null {
  const [rows, cols] = view.shape as [number, number];
  const [rs, cs] = view.strides as [number, number];
  if (cs !== 1 && cols !== 1) return null;
  if (rows > 1 && rs < cols) return null;
  return rows > 1 ? rs : Math.max(cols, 1);
}

export class WasmPackedB implements PackedB {
  readonly dtype = "float32";
  private live = true;

  constructor(
    private readonly host: PackedBHost,
    readonly ptr: number,
    readonly bytes: number,
    readonly k: number,
    readonly n: number,
  ) {}

  get backend(): string {
    return this.host.name;
  }

  get disposed(): boolean {
    return !this.live;
  }

  dispose(): void {
    if (!this.live) return;
    this.live = false;
    if (this.bytes > 0) this.host.freeBytes(this.ptr, this.bytes);
  }
}

export function packedBKernels(host: PackedBHost) {
  return {
    packB(b: View, transposeB: boolean): PackedB {
      const pb = host.address(b);
      // A stored [rows, cols] with unit column stride; transposeB flips which of its axes is k.
      const ld = b.shape.length === 2 ? leading(b) : null;
      if (b.dtype !== "float32" || pb === null || ld === null) return js.packB(b, transposeB);
      const [k, n] = (transposeB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]]) as [
        number,
        number,
      ];
      const bytes = host.wasm.packedBBytes(n, k);
      const ptr = bytes > 0 ? host.allocBytes(bytes) : 0;
      if (bytes > 0) host.wasm.packWholeB(transposeB ? 1 : 0, n, k, pb, ld, ptr);
      return new WasmPackedB(host, ptr, bytes, k, n);
    },

    gemmPacked(a: View, packed: PackedB, out: View, spec: PackedGemmSpec): void {
      if (!(packed instanceof WasmPackedB)) {
        js.gemmPacked(a, packed, out, spec);
        return;
      }
      const m = checkPackedGemm(a.shape, packed, out.shape, spec);
      const pa = host.address(a);
      const pc = host.address(out);
      // a is read as stored [rows, cols] with unit column stride; transposeA says which axis is m.
      const lda = leading(a);
      const ldc = leading(out);
      if (
        a.dtype !== "float32" ||
        out.dtype !== "float32" ||
        pa === null ||
        pc === null ||
        lda === null ||
        ldc === null
      ) {
        throw new TensorError(
          "ARGUMENT",
          `gemmPacked: a B packed on '${packed.backend}' needs float32 a and out in its memory with unit column stride; got a ${a.dtype} [${a.shape.join(",")}] strides [${a.strides.join(",")}], out ${out.dtype} [${out.shape.join(",")}] strides [${out.strides.join(",")}]`,
        );
      }
      const { k, n } = packed;
      if (m === 0 || n === 0) return;
      const workBytes = host.wasm.sgemmWorkBytes(m, n, k);
      const work = workBytes > 0 ? host.allocBytes(workBytes) : 0;
      host.wasm.sgemmPackedB(
        spec.transposeA ? 1 : 0,
        m,
        n,
        k,
        spec.alpha,
        pa,
        lda,
        packed.ptr,
        spec.beta,
        pc,
        ldc,
        work,
      );
      if (workBytes > 0) host.freeBytes(work, workBytes);
    },
  };
}
