/**
 * The js backend's packed B: a contiguous row-major copy of op(B) [k, n],
 * multiplied by the plain `gemm` kernel. It reads any host-memory storage, so
 * it serves every backend without its own packing.
 */
import type { View } from "../../backend.js";
import { newArray } from "../../dtype.js";
import { TensorError } from "../../errors.js";
import { checkPackedGemm, type PackedB, type PackedGemmSpec } from "../../packed-b.js";
import { ArrayStorage } from "../../storage.js";
import { copy } from "./elementwise.js";
import { gemm } from "./gemm.js";

export class JsPackedB implements PackedB {
  readonly backend = "js";
  private storage: ArrayStorage | null;

  constructor(
    readonly view: View,
    readonly k: number,
    readonly n: number,
  ) {
    this.storage = view.storage as ArrayStorage;
  }

  get dtype() {
    return this.view.dtype;
  }

  get disposed(): boolean {
    return this.storage === null;
  }

  dispose(): void {
    this.storage = null;
  }
}

export function packB(b: View, transposeB: boolean): PackedB {
  if (b.shape.length !== 2) {
    throw new TensorError("SHAPE", `packB: expected a 2-D b, got [${b.shape.join(",")}]`);
  }
  const [k, n] = (transposeB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]]) as [
    number,
    number,
  ];
  const storage = new ArrayStorage("js", newArray(b.dtype, k * n), b.dtype);
  const source: View = transposeB
    ? { ...b, shape: [k, n], strides: [b.strides[1] as number, b.strides[0] as number] }
    : b;
  copy(source, storage);
  return new JsPackedB(
    { storage, dtype: b.dtype, shape: [k, n], strides: [n, 1], offset: 0 },
    k,
    n,
  );
}

export function gemmPacked(a: View, packed: PackedB, out: View, spec: PackedGemmSpec): void {
  checkPackedGemm(a.shape, packed, out.shape, spec);
  if (!(packed instanceof JsPackedB)) {
    throw new TensorError(
      "BACKEND",
      `gemmPacked: expected a B packed by the js backend's packB, got one packed by '${packed.backend}'`,
    );
  }
  gemm(a, packed.view, out, { ...spec, transposeB: false });
}
