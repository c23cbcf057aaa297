/**
 * The derived fused path: one custom differentiable op that runs a cell's
 * lowered step over a whole sequence.
 *
 * Forward: the hoisted input projections as one GEMM each over all T·B rows
 * (a lookup for token ids); then per step, level by level, the recurrent
 * GEMMs (A_t·op(W) into that step's rows, W packed once per call) and one
 * element-wise row program. Backward walks the steps in reverse: per level
 * the backward row program (∂L/∂ products, projections, previous state, vectors),
 * then per product ∂L/∂A_t = ∂L/∂out_t·op(W)ᵀ; after the loop the weight
 * gradients as one large GEMM each (∂L/∂W = ∂L/∂outᵀ·A over all steps).
 * Buffers are made once per call; a step allocates nothing (views are
 * reused objects whose offsets move).
 */
import { defineOp } from "@recurrent/autograd";
import {
  concat,
  contiguous,
  empty,
  gather,
  kernel,
  matMul,
  type PackedB,
  reshape,
  type Shape,
  scatterAdd,
  slice,
  sum,
  type Tensor,
  transpose,
  zeros,
} from "@recurrent/tensor";
import { addFoldedVector } from "./fuse.js";
import type { Product } from "./lower.js";
import type { Plan } from "./plan.js";
import type { LevelPrograms } from "./programs.js";
import { type RowsView, rowsView } from "./rows-view.js";
import { type ProgramFrame, ProgramRunner, programFrame } from "./run-program.js";

interface Attrs {
  readonly plan: Plan;
  readonly mask: Tensor | null;
  readonly reverse: boolean;
}

interface Saved {
  proj: Tensor[];
  next: Tensor[];
  prods: Tensor[];
  opnds: (Tensor | null)[];
  /** Per level: the saved activations of its segment, [T·B, savedWidth]. */
  saved: Tensor[];
  x2d: Tensor | null;
  state0: Tensor[];
  vecs: (Tensor | null)[];
  mask: Tensor | null;
}

/** Which slot a per-step binding reads: the tensor and the element offset of step t's rows. */
interface Binding {
  tensor: Tensor;
  base: number;
  step: number;
}

const packedSpec = (beta: number) => ({ transposeA: false, alpha: 1, beta }) as const;

function hoist(x: Tensor, w: Tensor, p: Product): Tensor {
  if (x.dtype === "int32") {
    const ids = reshape(x, [x.size]);
    return p.transposeB ? gather(contiguous(transpose(w)), ids) : gather(w, ids);
  }
  const [T, B, I] = x.shape as [number, number, number];
  return matMul(reshape(contiguous(x), [T * B, I]), w, { transposeB: p.transposeB });
}

const sequenceOp = defineOp<Attrs, Saved>({
  name: "DerivedSequence",
  forward(inputs, { plan, mask, reverse }) {
    const { lowered } = plan;
    const parts = lowered.stateParts;
    const x = inputs[0] as Tensor;
    const state0 = parts.map((_, i) => contiguous(inputs[1 + i] as Tensor));
    const operands = inputs.slice(1 + parts.length);
    const [T, B] = x.shape as [number, number];
    const dtype = (state0[0] ?? (operands[0] as Tensor)).dtype;
    const { productInto, vectorInto } = plan.fusion;
    const proj = lowered.hoisted.map((p) => hoist(x, operands[p.operand] as Tensor, p));
    vectorInto.forEach((h, v) => {
      if (h >= 0) addFoldedVector(proj[h] as Tensor, operands[v] as Tensor);
    });
    const next = parts.map((part) => empty([T * B, lowered.stateWidths[part] as number], dtype));
    const y = empty([T * B, lowered.outputWidth], dtype);
    // A product folded into a projection accumulates into its rows.
    const prods = lowered.products.map((p, g) => {
      const h = productInto[g] as number;
      return h >= 0 ? (proj[h] as Tensor) : empty([T * B, p.n], dtype);
    });
    const opnds = lowered.products.map((p) =>
      lowered.slots[p.a]?.kind === "operand" ? empty([T * B, p.k], dtype) : null,
    );
    const x2d =
      plan.readsX && x.dtype !== "int32"
        ? reshape(contiguous(x), [T * B, x.shape[2] as number])
        : null;
    const vecs = lowered.vectors.map((v, i) => (v < 0 ? null : contiguous(operands[i] as Tensor)));
    const m = mask === null ? null : contiguous(mask);
    const acts = plan.programs.map((l) => empty([T * B, l?.savedWidth ?? 0], dtype));
    const saved: Saved = { proj, next, prods, opnds, x2d, state0, vecs, mask: m, saved: acts };
    run(plan, saved, operands as Tensor[], y, T, B, reverse);
    const finals = parts.map((_, i) =>
      T === 0
        ? (state0[i] as Tensor)
        : contiguous(
            reshape(
              slice(next[i] as Tensor, [(reverse ? 0 : T - 1) * B], [(reverse ? 1 : T) * B]),
              [B, next[i]?.shape[1] as number],
            ),
          ),
    );
    const width = lowered.outputWidth;
    return { outputs: [reshape(y, [T, B, width]), ...finals], saved };
  },
  backward({ grads, inputs, saved, attrs: { plan, reverse }, needsGrad }) {
    const s = saved as Saved;
    const { lowered } = plan;
    const parts = lowered.stateParts;
    const x = inputs[0] as Tensor;
    const operands = inputs.slice(1 + parts.length);
    const [T, B] = x.shape as [number, number];
    const dtype = (s.state0[0] ?? (operands[0] as Tensor)).dtype;
    const dY = grads[0]
      ? reshape(contiguous(grads[0]), [T * B, lowered.outputWidth])
      : zeros([T * B, lowered.outputWidth], dtype);
    const dProj = lowered.hoisted.map((p) => zeros([T * B, p.n], dtype));
    const { productInto, vectorInto } = plan.fusion;
    const dProds = lowered.products.map((p, g) => {
      const h = productInto[g] as number;
      return h >= 0 ? (dProj[h] as Tensor) : zeros([T * B, p.n], dtype);
    });
    const dOpnds = lowered.products.map((p) =>
      lowered.slots[p.a]?.kind === "operand" ? empty([B, p.k], dtype) : null,
    );
    const dX2d = s.x2d === null ? null : zeros(s.x2d.shape, dtype);
    let dCur = parts.map((part, i) => {
      const g = grads[1 + i];
      const w = lowered.stateWidths[part] as number;
      return g ? copy(g, [B, w]) : zeros([B, w], dtype);
    });
    let dPrev = parts.map((part) => empty([B, lowered.stateWidths[part] as number], dtype));
    const vecGrads = s.vecs.map((v) => (v === null ? null : zeros(v.shape, dtype)));
    runBackward(
      plan,
      s,
      operands as Tensor[],
      { dY, dProj, dProds, dOpnds, dX2d, vecGrads },
      () => [dCur, dPrev],
      (a, b) => {
        dCur = a;
        dPrev = b;
      },
      T,
      B,
      reverse,
    );

    // Weight and input gradients as large GEMMs over all steps.
    const opGrads: (Tensor | null)[] = operands.map(() => null);
    const addTo = (i: number, g: Tensor) => {
      const old = opGrads[i];
      opGrads[i] = old === null || old === undefined ? g : addTensors(old, g);
    };
    let dx: Tensor | null = null;
    const ids = x.dtype === "int32";
    lowered.hoisted.forEach((p, k) => {
      const dp = dProj[k] as Tensor;
      const w = operands[p.operand] as Tensor;
      const [N, I] = [p.n, p.k];
      if (needsGrad(1 + parts.length + p.operand)) {
        if (ids) {
          const byId = scatterAdd(dp, reshape(x, [x.size]), 0, [I, N]); // Σ rows of dP per id
          addTo(p.operand, p.transposeB ? contiguous(transpose(byId)) : byId);
        } else {
          const x2 = reshape(contiguous(x), [T * B, I]);
          // out = X·Wᵀ: dW = dPᵀ·X;  out = X·W: dW = Xᵀ·dP
          addTo(
            p.operand,
            p.transposeB
              ? matMul(dp, x2, { transposeA: true })
              : matMul(x2, dp, { transposeA: true }),
          );
        }
      }
      if (!ids && needsGrad(0)) {
        const g = matMul(dp, w, { transposeB: !p.transposeB }); // dX = dP·op(W)ᵀ
        dx = dx === null ? g : addTensors(dx, g);
      }
    });
    if (dX2d !== null && needsGrad(0)) dx = dx === null ? dX2d : addTensors(dx, dX2d);
    lowered.products.forEach((p, g) => {
      if (!needsGrad(1 + parts.length + p.operand)) return;
      const slotA = lowered.slots[p.a];
      let a: Tensor;
      if (slotA?.kind === "operand") a = s.opnds[g] as Tensor;
      else {
        const i = parts.indexOf(slotA?.key as string);
        a = previousStates(s.next[i] as Tensor, s.state0[i] as Tensor, T, B, reverse);
      }
      const dp = dProds[g] as Tensor;
      addTo(
        p.operand,
        p.transposeB ? matMul(dp, a, { transposeA: true }) : matMul(a, dp, { transposeA: true }),
      );
    });
    vectorInto.forEach((h, v) => {
      // proj += b on every row  ⇒  ∂L/∂b = Σ_rows ∂L/∂proj
      if (h >= 0 && needsGrad(1 + parts.length + v)) {
        addTo(v, reshape(sum(dProj[h] as Tensor, 0), (operands[v] as Tensor).shape));
      }
    });
    vecGrads.forEach((v, i) => {
      if (v !== null && needsGrad(1 + parts.length + i))
        addTo(i, reshape(v, (operands[i] as Tensor).shape));
    });
    const dxOut = dx === null || ids ? null : reshape(dx as Tensor, x.shape);
    return [
      needsGrad(0) ? dxOut : null,
      ...parts.map((_, i) => (needsGrad(1 + i) ? (dCur[i] as Tensor) : null)),
      ...operands.map((_, i) => (needsGrad(1 + parts.length + i) ? (opGrads[i] ?? null) : null)),
    ];
  },
});

function copy(g: Tensor, shape: Shape): Tensor {
  const out = empty(shape, g.dtype);
  kernel("copy")(reshape(g, shape), out.storage);
  return out;
}

function addTensors(a: Tensor, b: Tensor): Tensor {
  const out = empty(a.shape, a.dtype);
  kernel("binary")("add", a, b, a.shape, out.storage);
  return out;
}

/** [T·B, w]: row block t holds the state step t started from. */
function previousStates(
  next: Tensor,
  state0: Tensor,
  T: number,
  B: number,
  reverse: boolean,
): Tensor {
  const w = next.shape[1] as number;
  if (T === 1) return reshape(state0, [B, w]);
  const steps = reshape(next, [T, B, w]);
  const first = reshape(state0, [1, B, w]);
  const joined = reverse
    ? concat([slice(steps, [1], [T]), first], 0)
    : concat([first, slice(steps, [0], [T - 1])], 0);
  return reshape(joined, [T * B, w]);
}

/** Slot bindings for one pass: a tensor per slot and where step t's rows start. */
function bindForward(plan: Plan, s: Saved, y: Tensor): (Binding | null)[] {
  const { lowered } = plan;
  return lowered.slots.map((slot): Binding | null => {
    switch (slot.kind) {
      case "x":
        return s.x2d === null ? null : bind(s.x2d);
      case "proj":
        return bind(s.proj[slot.key as number] as Tensor);
      case "product":
        return bind(s.prods[slot.key as number] as Tensor);
      case "next":
        return bind(s.next[lowered.stateParts.indexOf(slot.key as string)] as Tensor);
      case "y":
        return bind(y);
      case "operand":
        return bind(s.opnds[slot.key as number] as Tensor);
      default:
        return null; // the previous state moves: set per step
    }
  });
}

function bind(t: Tensor): Binding {
  return { tensor: t, base: t.offset, step: t.shape[1] as number };
}

/** The level programs for this pass (with the mask's handling when there is one). */
function levelsOf(plan: Plan, s: Saved): readonly (LevelPrograms | null)[] {
  return s.mask === null ? plan.programs : plan.maskedPrograms;
}

/** Points the frame at step t's saved activations and mask. */
function frameStep(
  f: ProgramFrame,
  s: Saved,
  level: number,
  savedWidth: number,
  t: number,
  B: number,
) {
  const act = s.saved[level] as Tensor;
  f.saved = act.storage;
  f.SO = act.offset + t * B * savedWidth;
  f.SD = savedWidth;
  if (s.mask !== null) {
    f.mask = s.mask.storage;
    f.MO = s.mask.offset + t * B;
  }
}

/** Packs each recurrent product's op(W) (transposed again for the backward's ∂L/∂A) once per call. */
function packProducts(lowered: Plan["lowered"], operands: Tensor[], backward: boolean): PackedB[] {
  const packB = kernel("packB");
  return lowered.products.map((p) =>
    packB(operands[p.operand] as Tensor, backward ? !p.transposeB : p.transposeB),
  );
}

function run(
  plan: Plan,
  s: Saved,
  operands: Tensor[],
  y: Tensor,
  T: number,
  B: number,
  reverse: boolean,
): void {
  const { lowered } = plan;
  const slots = lowered.slots;
  const n = slots.length;
  const bindings = bindForward(plan, s, y);
  const frame = programFrame(
    slots.map((slot) => slot.width),
    s.vecs,
  );
  const { O } = frame;
  const stateSlots = lowered.stateParts.map((part) =>
    slots.findIndex((sl) => sl.kind === "state" && sl.key === part),
  );
  const levels = levelsOf(plan, s);
  const runners = levels.map((l) => (l === null ? null : new ProgramRunner(l.forward)));
  // Per product: the moving views of A and out, and W packed once.
  const gemmPacked = kernel("gemmPacked");
  const packed = packProducts(lowered, operands, false);
  const aViews = lowered.products.map((p) => {
    const slotA = slots[p.a];
    if (slotA?.kind === "operand") return rowsView(s.opnds[slotA.key as number] as Tensor, B, p.k);
    return rowsView(s.state0[lowered.stateParts.indexOf(slotA?.key as string)] as Tensor, B, p.k);
  });
  const outViews = lowered.products.map((p, g) => rowsView(s.prods[g] as Tensor, B, p.n));
  const fused = plan.fusion.productInto.map((h) => h >= 0);
  try {
    for (let step = 0; step < T; step++) {
      const t = reverse ? T - 1 - step : step;
      const prevT = reverse ? t + 1 : t - 1;
      for (let k = 0; k < n; k++) {
        const b = bindings[k];
        if (b != null) O[k] = b.base + t * B * b.step;
      }
      stateSlots.forEach((k, i) => {
        const src = step === 0 ? (s.state0[i] as Tensor) : (s.next[i] as Tensor);
        O[k] = src.offset + (step === 0 ? 0 : prevT * B * (frame.D[k] as number));
      });
      for (let level = 0; level <= lowered.levels; level++) {
        if (level > 0) {
          lowered.products.forEach((p, g) => {
            if (p.level !== level) return;
            const av = aViews[g] as RowsView;
            const slotA = slots[p.a];
            if (slotA?.kind === "state") {
              const i = lowered.stateParts.indexOf(slotA.key as string);
              const src = step === 0 ? (s.state0[i] as Tensor) : (s.next[i] as Tensor);
              av.storage = src.storage;
            }
            av.offset = O[p.a] as number;
            const ov = outViews[g] as RowsView;
            ov.offset = O[p.out] as number;
            gemmPacked(av, packed[g] as PackedB, ov, packedSpec(fused[g] ? 1 : 0));
          });
        }
        const runner = runners[level];
        if (runner === null || runner === undefined) continue;
        for (let k = 0; k < n; k++) {
          const b = bindings[k];
          if (b != null) frame.slot[k] = b.tensor.storage;
        }
        stateSlots.forEach((k, i) => {
          frame.slot[k] = (step === 0 ? (s.state0[i] as Tensor) : (s.next[i] as Tensor)).storage;
        });
        frameStep(frame, s, level, (levels[level] as LevelPrograms).savedWidth, t, B);
        runner.run(frame, B, lowered.lane);
      }
    }
  } finally {
    for (const pk of packed) pk.dispose();
  }
}

interface GradBuffers {
  dY: Tensor;
  dProj: Tensor[];
  dProds: Tensor[];
  dOpnds: (Tensor | null)[];
  dX2d: Tensor | null;
  vecGrads: (Tensor | null)[];
}

function runBackward(
  plan: Plan,
  s: Saved,
  operands: Tensor[],
  g: GradBuffers,
  stateGrads: () => [Tensor[], Tensor[]],
  setStateGrads: (cur: Tensor[], prev: Tensor[]) => void,
  T: number,
  B: number,
  reverse: boolean,
): void {
  const { lowered } = plan;
  const slots = lowered.slots;
  const n = slots.length;
  const parts = lowered.stateParts;
  const bindings = bindForward(plan, s, s.next[0] ?? g.dY); // y is never loaded in backward
  const frame = programFrame(
    slots.map((slot) => slot.width),
    s.vecs,
    g.vecGrads,
  );
  const { O, GO, GD } = frame;
  const gradOf = (k: number): { tensor: Tensor; perStep: boolean } | null => {
    const slot = slots[k];
    switch (slot?.kind) {
      case "x":
        return g.dX2d === null ? null : { tensor: g.dX2d, perStep: true };
      case "proj":
        return { tensor: g.dProj[slot.key as number] as Tensor, perStep: true };
      case "product":
        return { tensor: g.dProds[slot.key as number] as Tensor, perStep: true };
      case "y":
        return { tensor: g.dY, perStep: true };
      case "operand":
        return { tensor: g.dOpnds[slot.key as number] as Tensor, perStep: false };
      default:
        return null; // state / next: the swapping buffers
    }
  };
  const grads = slots.map((_, k) => gradOf(k));
  const stateSlots = parts.map((part) =>
    slots.findIndex((sl) => sl.kind === "state" && sl.key === part),
  );
  const nextSlots = parts.map((part) =>
    slots.findIndex((sl) => sl.kind === "next" && sl.key === part),
  );
  const levels = levelsOf(plan, s);
  const runners = levels.map((l) => (l === null ? null : new ProgramRunner(l.backward)));
  const gemmPacked = kernel("gemmPacked");
  const fill = kernel("fill");
  const packed = packProducts(lowered, operands, true);
  const dOutViews = lowered.products.map((p, i) => rowsView(g.dProds[i] as Tensor, B, p.n));
  const dAViews = lowered.products.map((p, i) => {
    const slotA = slots[p.a];
    if (slotA?.kind === "operand") return rowsView(g.dOpnds[i] as Tensor, B, p.k);
    const [, prev] = stateGrads();
    return rowsView(prev[parts.indexOf(slotA?.key as string)] as Tensor, B, p.k);
  });
  try {
    for (let step = T - 1; step >= 0; step--) {
      const t = reverse ? T - 1 - step : step;
      const prevT = reverse ? t + 1 : t - 1;
      const [cur, prev] = stateGrads();
      for (const d of prev) fill(d.storage, 0);
      for (let k = 0; k < n; k++) {
        const b = bindings[k];
        if (b != null) O[k] = b.base + t * B * b.step;
        const gk = grads[k];
        if (gk != null) GO[k] = gk.tensor.offset + (gk.perStep ? t * B * (GD[k] as number) : 0);
      }
      parts.forEach((_, i) => {
        const ks = stateSlots[i] as number;
        const kn = nextSlots[i] as number;
        const src = step === 0 ? (s.state0[i] as Tensor) : (s.next[i] as Tensor);
        O[ks] = src.offset + (step === 0 ? 0 : prevT * B * (frame.D[ks] as number));
        GO[ks] = (prev[i] as Tensor).offset;
        if (kn >= 0) GO[kn] = (cur[i] as Tensor).offset;
      });
      for (let level = lowered.levels; level >= 0; level--) {
        const runner = runners[level];
        if (runner !== null && runner !== undefined) {
          for (let k = 0; k < n; k++) {
            const b = bindings[k];
            if (b != null) frame.slot[k] = b.tensor.storage;
            const gk = grads[k];
            if (gk != null) frame.grad[k] = gk.tensor.storage;
          }
          parts.forEach((_, i) => {
            const ks = stateSlots[i] as number;
            const kn = nextSlots[i] as number;
            frame.slot[ks] = (step === 0 ? (s.state0[i] as Tensor) : (s.next[i] as Tensor)).storage;
            frame.grad[ks] = (prev[i] as Tensor).storage;
            if (kn >= 0) frame.grad[kn] = (cur[i] as Tensor).storage;
          });
          frameStep(frame, s, level, (levels[level] as LevelPrograms).savedWidth, t, B);
          runner.run(frame, B, lowered.lane);
        }
        if (level === 0) continue;
        lowered.products.forEach((p, i) => {
          if (p.level !== level) return;
          const dOut = dOutViews[i] as RowsView;
          dOut.offset = GO[p.out] as number;
          const dA = dAViews[i] as RowsView;
          const slotA = slots[p.a];
          let beta = 0;
          if (slotA?.kind === "state") {
            const d = prev[parts.indexOf(slotA.key as string)] as Tensor;
            dA.storage = d.storage;
            dA.offset = d.offset;
            beta = 1;
          }
          // out = A·op(W)  ⇒  ∂L/∂A = ∂L/∂out·op(W)ᵀ
          gemmPacked(dOut, packed[i] as PackedB, dA, packedSpec(beta));
        });
      }
      setStateGrads(prev, cur);
    }
  } finally {
    for (const pk of packed) pk.dispose();
  }
}

/**
 * Run a cell's derived fused path over x [T, B, I] (or int32 ids [T, B])
 * from `state` (parts [B, …]); `operands` are the plan's parameter-only
 * values for these parameters (see replay.ts).
 */
export function derivedSequence(
  plan: Plan,
  x: Tensor,
  state: readonly Tensor[],
  operands: readonly Tensor[],
  mask: Tensor | null,
  reverse: boolean,
): { y: Tensor; state: Tensor[] } {
  const [y, ...finals] = sequenceOp([x, ...state, ...operands], { plan, mask, reverse });
  return { y: y as Tensor, state: finals };
}
