/**
 * Running a level's row program at one step: the frame says where every slot,
 * gradient, vector, saved activation and mask lives now (storage, offset of
 * this step's rows, row stride), and the runner turns the program's symbolic
 * operands into storages and a layout over buffers made once, so a step
 * allocates nothing. The stepper (one step at a time, for generation) moves
 * the frame's offsets from step to step; the sequence op hands whole
 * recurrences to tensor instead (sequence.ts).
 */
import { kernel, type Storage, type Tensor } from "@recurrent/tensor";
import type { BoundProgram } from "./programs.js";

export interface ProgramFrame {
  /** Per slot: the storage of its values, this step's row offset (O) and row stride (D). */
  readonly slot: (Storage | null)[];
  readonly O: Int32Array;
  readonly D: Int32Array;
  /** Per slot: the storage of its gradient, offset and stride (backward only). */
  readonly grad: (Storage | null)[];
  readonly GO: Int32Array;
  readonly GD: Int32Array;
  /** Per operand index: the vector read element-wise (contiguous), or null. */
  readonly vecs: readonly (Tensor | null)[];
  /** Per operand index: where that vector's gradient adds up (backward only). */
  readonly vecGrads: readonly (Tensor | null)[];
  saved: Storage | null;
  /** This step's first saved row and the saved row width. */
  SO: number;
  SD: number;
  mask: Storage | null;
  /** This step's first mask element. */
  MO: number;
}

export function programFrame(
  widths: readonly number[],
  vecs: readonly (Tensor | null)[],
  vecGrads: readonly (Tensor | null)[] = [],
): ProgramFrame {
  const n = widths.length;
  return {
    slot: new Array(n).fill(null),
    O: new Int32Array(n),
    D: Int32Array.from(widths),
    grad: new Array(n).fill(null),
    GO: new Int32Array(n),
    GD: Int32Array.from(widths),
    vecs,
    vecGrads,
    saved: null,
    SO: 0,
    SD: 0,
    mask: null,
    MO: 0,
  };
}

function missing(what: string): never {
  throw new Error(`derived path: the program reads ${what}, which this pass did not bind`);
}

export class ProgramRunner {
  private readonly storages: Storage[];
  private readonly layout: Int32Array;

  constructor(readonly bound: BoundProgram) {
    this.storages = new Array(bound.operands.length);
    this.layout = new Int32Array(3 * bound.operands.length);
  }

  /** Run over `rows` rows of `width` lane columns at the frame's current offsets. */
  run(f: ProgramFrame, rows: number, width: number): void {
    const { storages, layout } = this;
    const refs = this.bound.operands;
    for (let k = 0; k < refs.length; k++) {
      const ref = refs[k] as BoundProgram["operands"][number];
      const at = 3 * k;
      switch (ref.kind) {
        case "slot":
          storages[k] = f.slot[ref.slot] ?? missing(`slot ${ref.slot}`);
          layout[at] = (f.O[ref.slot] as number) + ref.col;
          layout[at + 1] = f.D[ref.slot] as number;
          layout[at + 2] = ref.lane ? 1 : 0;
          break;
        case "grad":
          storages[k] = f.grad[ref.slot] ?? missing(`the gradient of slot ${ref.slot}`);
          layout[at] = (f.GO[ref.slot] as number) + ref.col;
          layout[at + 1] = f.GD[ref.slot] as number;
          layout[at + 2] = ref.lane ? 1 : 0;
          break;
        case "vec":
        case "vecGrad": {
          const v =
            (ref.kind === "vec" ? f.vecs[ref.vec] : f.vecGrads[ref.vec]) ??
            missing(`${ref.kind} ${ref.vec}`);
          storages[k] = v.storage;
          layout[at] = v.offset + ref.col;
          layout[at + 1] = 0;
          layout[at + 2] = ref.lane ? 1 : 0;
          break;
        }
        case "saved":
          storages[k] = f.saved ?? missing("saved activations");
          layout[at] = f.SO + ref.col;
          layout[at + 1] = f.SD;
          layout[at + 2] = 1;
          break;
        case "mask":
          storages[k] = f.mask ?? missing("a mask");
          layout[at] = f.MO;
          layout[at + 1] = 1;
          layout[at + 2] = 0;
          break;
      }
    }
    kernel("rowProgram")(this.bound.program, storages, layout, rows, width);
  }
}
