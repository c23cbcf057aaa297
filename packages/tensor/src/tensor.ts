/**
 * The tensor: a (shape, strides, offset) window onto a storage. Views
 * (reshape, transpose, slice, expand, …) make new tensors over the same
 * storage; ops write new contiguous storage.
 *
 * Three fields belong to @recurrent/autograd, which fills them while it
 * records: `requiresGrad`, `grad` and `gradFn`. This package never reads
 * them except to ask whether an op must be recorded.
 */
import type { View } from "./backend.js";
import type { DType, TypedArray } from "./dtype.js";
import { check, disposedError, fmt } from "./errors.js";
import { track } from "./scope.js";
import { contiguousStrides, type Shape, sizeOf } from "./shape.js";
import type { Storage } from "./storage.js";

/** What autograd hangs on a tensor made by a recorded op. Opaque here. */
export interface GradNode {
  readonly op: string;
}

export type NestedArray = number | readonly NestedArray[];

const collector =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry<Storage>((storage) => storage.releaseRef())
    : undefined;

let nextId = 0;

export class Tensor implements View {
  readonly id = nextId++;
  readonly isTensor = true;
  readonly storage: Storage;
  readonly shape: Shape;
  readonly strides: Shape;
  readonly offset: number;
  /** Set by you on leaves (parameters); set by autograd on recorded outputs. */
  requiresGrad = false;
  /** The accumulated gradient, filled by autograd's `backward`. */
  grad: Tensor | null = null;
  /** How autograd reaches this tensor's inputs; null for leaves. */
  gradFn: GradNode | null = null;
  /** Optional label, shown in debugging output. */
  label: string | undefined;
  private alive = true;

  /** @internal use the creation functions (`tensor`, `zeros`, …) or view ops instead. */
  constructor(storage: Storage, shape: Shape, strides?: Shape, offset = 0) {
    this.storage = storage;
    this.shape = Object.freeze([...shape]);
    this.strides = Object.freeze(strides ? [...strides] : contiguousStrides(shape));
    this.offset = offset;
    storage.retain();
    collector?.register(this, storage, this);
    track(this);
  }

  get dtype(): DType {
    return this.storage.dtype;
  }

  get rank(): number {
    return this.shape.length;
  }

  get size(): number {
    return sizeOf(this.shape);
  }

  get disposed(): boolean {
    return !this.alive;
  }

  /**
   * @internal throw the use-after-dispose error unless this tensor and its
   * storage are live. A disposed tensor errors even while a view of it keeps
   * the storage alive.
   */
  assertLive(op: string): void {
    if (!this.alive) throw disposedError(op);
    this.storage.assertLive(op);
  }

  /** True when the elements are laid out row-major from `offset` with no gaps. */
  get isContiguous(): boolean {
    let expected = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      const d = this.shape[i] as number;
      if (d !== 1 && this.strides[i] !== expected) return false;
      expected *= d;
    }
    return true;
  }

  /**
   * The elements as a typed array in row-major order. For a contiguous tensor
   * this is a live view of the storage (do not keep it across allocations on
   * the wasm backend); otherwise a copy.
   */
  data(): TypedArray {
    this.assertLive("data");
    if (this.isContiguous) {
      return this.storage.array.subarray(this.offset, this.offset + this.size);
    }
    return materialize(this);
  }

  /** A fresh copy of the elements, safe to keep. */
  toTypedArray(): TypedArray {
    this.assertLive("toTypedArray");
    return this.data().slice();
  }

  /** The elements as nested JavaScript arrays (a number for a scalar). */
  toArray(): NestedArray {
    this.assertLive("toArray");
    const flat = this.data();
    const build = (axis: number, start: number): NestedArray => {
      if (axis === this.shape.length) return flat[start] as number;
      const n = this.shape[axis] as number;
      const step = sizeOf(this.shape.slice(axis + 1));
      return Array.from({ length: n }, (_, i) => build(axis + 1, start + i * step));
    };
    return build(0, 0);
  }

  /** The single element of a one-element tensor. */
  item(): number {
    this.assertLive("item");
    check(
      this.size === 1,
      "SHAPE",
      () => `item: expected a tensor with one element, got shape ${fmt(this.shape)}`,
    );
    return this.data()[0] as number;
  }

  /** Free this tensor's hold on its storage now (idempotent). */
  dispose(): void {
    if (!this.alive) return;
    this.alive = false;
    collector?.unregister(this);
    this.storage.releaseRef();
  }

  toString(): string {
    const name = this.label === undefined ? "Tensor" : `Tensor "${this.label}"`;
    if (!this.alive) return `${name} ${fmt(this.shape)} ${this.dtype} (disposed)`;
    const preview = this.size <= 16 ? ` ${JSON.stringify(this.toArray())}` : "";
    return `${name} ${fmt(this.shape)} ${this.dtype}${preview}`;
  }
}

/** Copy a strided tensor into a fresh row-major typed array (plain loop; used for reads only). */
function materialize(t: Tensor): TypedArray {
  const source = t.storage.array;
  const out = new (source.constructor as { new (n: number): TypedArray })(t.size);
  const rank = t.rank;
  const index = new Array<number>(rank).fill(0);
  let position = t.offset;
  for (let i = 0; i < out.length; i++) {
    out[i] = source[position] as number;
    for (let axis = rank - 1; axis >= 0; axis--) {
      index[axis] = (index[axis] as number) + 1;
      position += t.strides[axis] as number;
      if ((index[axis] as number) < (t.shape[axis] as number)) break;
      position -= (t.strides[axis] as number) * (t.shape[axis] as number);
      index[axis] = 0;
    }
  }
  return out;
}
