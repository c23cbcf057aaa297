/**
 * The derived fused path: one custom differentiable op that runs a cell's
 * lowered step over a whole sequence.
 *
 * Forward: the hoisted input projections as one GEMM each over all T·B rows
 * (a lookup for token ids); then per step, level by level, the recurrent
 * GEMMs (A_t·op(W) into that step's rows) and one generated element-wise
 * kernel. Backward walks the steps in reverse: per level the generated
 * backward kernel (∂L/∂ products, projections, previous state, vectors),
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
  reshape,
  type Shape,
  scatterAdd,
  slice,
  type Tensor,
  tensor,
  transpose,
  zeros,
} from "@recurrent/tensor";
import type { Product } from "./lower.js";
import { phaseScratch, runSegmentForward } from "./phases.js";
import type { Plan } from "./plan.js";
import { type RowsView, rowsView } from "./rows-view.js";

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

const gemmSpec = (transposeB: boolean, beta: number) =>
  ({ transposeA: false, transposeB, alpha: 1, beta }) as const;

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
    const proj = lowered.hoisted.map((p) => hoist(x, operands[p.operand] as Tensor, p));
    const next = parts.map((part) => empty([T * B, lowered.stateWidths[part] as number], dtype));
    const y = empty([T * B, lowered.outputWidth], dtype);
    const prods = lowered.products.map((p) => empty([T * B, p.n], dtype));
    const opnds = lowered.products.map((p) =>
      lowered.slots[p.a]?.kind === "operand" ? empty([T * B, p.k], dtype) : null,
    );
    const x2d =
      plan.readsX && x.dtype !== "int32"
        ? reshape(contiguous(x), [T * B, x.shape[2] as number])
        : null;
    const vecs = lowered.vectors.map((v, i) => (v < 0 ? null : contiguous(operands[i] as Tensor)));
    const m = mask === null ? null : contiguous(mask);
    const acts = plan.segments.map((seg) => empty([T * B, seg?.savedWidth ?? 0], dtype));
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
    const dProds = lowered.products.map((p) => zeros([T * B, p.n], dtype));
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
    const gv = lowered.vectors.map((v, i) =>
      v < 0 ? new Float64Array(0) : new Float64Array((s.vecs[i] as Tensor).size),
    );
    runBackward(
      plan,
      s,
      operands as Tensor[],
      { dY, dProj, dProds, dOpnds, dX2d, gv },
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
    lowered.vectors.forEach((v, i) => {
      if (v < 0 || !needsGrad(1 + parts.length + i)) return;
      const shape = (operands[i] as Tensor).shape;
      addTo(
        i,
        tensor(
          dtype === "float64" ? (gv[i] as Float64Array) : Float32Array.from(gv[i] as Float64Array),
          { shape, dtype },
        ),
      );
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

function run(
  plan: Plan,
  s: Saved,
  operands: Tensor[],
  y: Tensor,
  T: number,
  B: number,
  reverse: boolean,
): void {
  const { lowered, segments } = plan;
  const slots = lowered.slots;
  const n = slots.length;
  const bindings = bindForward(plan, s, y);
  const A: ArrayLike<number>[] = new Array(n).fill(null);
  const O = new Int32Array(n);
  const D = new Int32Array(n);
  slots.forEach((slot, k) => {
    D[k] = slot.width;
  });
  const V: ArrayLike<number>[] = s.vecs.map((v) =>
    v === null ? new Float64Array(0) : v.storage.array,
  );
  const VO = Int32Array.from(s.vecs.map((v) => (v === null ? 0 : v.offset)));
  const stateSlots = lowered.stateParts.map((part) =>
    slots.findIndex((sl) => sl.kind === "state" && sl.key === part),
  );
  // Per product: the moving views of A and out, and W.
  const gemm = kernel("gemm");
  const aViews = lowered.products.map((p) => {
    const slotA = slots[p.a];
    if (slotA?.kind === "operand") return rowsView(s.opnds[slotA.key as number] as Tensor, B, p.k);
    return rowsView(s.state0[lowered.stateParts.indexOf(slotA?.key as string)] as Tensor, B, p.k);
  });
  const outViews = lowered.products.map((p, g) => rowsView(s.prods[g] as Tensor, B, p.n));
  const M = s.mask;
  const dtype = (s.next[0] ?? y).dtype;
  const scratch = segments.map((seg) => (seg == null ? null : phaseScratch(seg, B, dtype)));
  for (let step = 0; step < T; step++) {
    const t = reverse ? T - 1 - step : step;
    const prevT = reverse ? t + 1 : t - 1;
    for (let k = 0; k < n; k++) {
      const b = bindings[k];
      if (b != null) O[k] = b.base + t * B * b.step;
    }
    stateSlots.forEach((k, i) => {
      const src = step === 0 ? (s.state0[i] as Tensor) : (s.next[i] as Tensor);
      O[k] = src.offset + (step === 0 ? 0 : prevT * B * (D[k] as number));
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
            av.offset = O[p.a] as number;
          } else av.offset = O[p.a] as number;
          const ov = outViews[g] as RowsView;
          ov.offset = O[p.out] as number;
          gemm(av, operands[p.operand] as Tensor, ov, gemmSpec(p.transposeB, 0));
        });
      }
      const segment = segments[level];
      if (segment === null || segment === undefined) continue;
      for (let k = 0; k < n; k++) {
        const b = bindings[k];
        if (b != null) A[k] = b.tensor.storage.array;
      }
      stateSlots.forEach((k, i) => {
        A[k] = (step === 0 ? (s.state0[i] as Tensor) : (s.next[i] as Tensor)).storage.array;
      });
      for (let i = 0; i < V.length; i++) {
        const v = s.vecs[i];
        if (v != null) V[i] = v.storage.array;
      }
      const act = s.saved[level] as Tensor;
      runSegmentForward(
        segment,
        scratch[level] ?? null,
        act.storage.array,
        act.offset + t * B * segment.savedWidth,
        segment.savedWidth,
        A,
        O,
        D,
        V,
        VO,
        B,
        M === null ? null : M.storage.array,
        M === null ? 0 : M.offset + t * B,
      );
    }
  }
}

interface GradBuffers {
  dY: Tensor;
  dProj: Tensor[];
  dProds: Tensor[];
  dOpnds: (Tensor | null)[];
  dX2d: Tensor | null;
  gv: Float64Array[];
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
  const { lowered, segments } = plan;
  const slots = lowered.slots;
  const n = slots.length;
  const parts = lowered.stateParts;
  const bindings = bindForward(plan, s, s.next[0] ?? g.dY); // y is never loaded in backward
  const A: ArrayLike<number>[] = new Array(n).fill(null);
  const O = new Int32Array(n);
  const D = new Int32Array(n);
  slots.forEach((slot, k) => {
    D[k] = slot.width;
  });
  const GA: ArrayLike<number>[] = new Array(n).fill(null);
  const GO = new Int32Array(n);
  const GD = new Int32Array(n);
  slots.forEach((slot, k) => {
    GD[k] = slot.width;
  });
  const V: ArrayLike<number>[] = s.vecs.map((v) =>
    v === null ? new Float64Array(0) : v.storage.array,
  );
  const VO = Int32Array.from(s.vecs.map((v) => (v === null ? 0 : v.offset)));
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
  const gemm = kernel("gemm");
  const fill = kernel("fill");
  const dOutViews = lowered.products.map((p, i) => rowsView(g.dProds[i] as Tensor, B, p.n));
  const dAViews = lowered.products.map((p, i) => {
    const slotA = slots[p.a];
    if (slotA?.kind === "operand") return rowsView(g.dOpnds[i] as Tensor, B, p.k);
    const [, prev] = stateGrads();
    return rowsView(prev[parts.indexOf(slotA?.key as string)] as Tensor, B, p.k);
  });
  const M = s.mask;
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
    parts.forEach((part, i) => {
      const ks = slots.findIndex((sl) => sl.kind === "state" && sl.key === part);
      const kn = slots.findIndex((sl) => sl.kind === "next" && sl.key === part);
      const src = step === 0 ? (s.state0[i] as Tensor) : (s.next[i] as Tensor);
      O[ks] = src.offset + (step === 0 ? 0 : prevT * B * (D[ks] as number));
      GO[ks] = (prev[i] as Tensor).offset;
      if (kn >= 0) GO[kn] = (cur[i] as Tensor).offset;
    });
    for (let level = lowered.levels; level >= 0; level--) {
      const segment = segments[level];
      if (segment !== null && segment !== undefined) {
        for (let k = 0; k < n; k++) {
          const b = bindings[k];
          if (b != null) A[k] = b.tensor.storage.array;
          const gk = grads[k];
          if (gk != null) GA[k] = gk.tensor.storage.array;
        }
        parts.forEach((part, i) => {
          const ks = slots.findIndex((sl) => sl.kind === "state" && sl.key === part);
          const kn = slots.findIndex((sl) => sl.kind === "next" && sl.key === part);
          A[ks] = (step === 0 ? (s.state0[i] as Tensor) : (s.next[i] as Tensor)).storage.array;
          GA[ks] = (prev[i] as Tensor).storage.array;
          if (kn >= 0) GA[kn] = (cur[i] as Tensor).storage.array;
        });
        for (let i = 0; i < V.length; i++) {
          const v = s.vecs[i];
          if (v != null) V[i] = v.storage.array;
        }
        const act = s.saved[level] as Tensor;
        segment.backward(
          act.storage.array,
          act.offset + t * B * segment.savedWidth,
          segment.savedWidth,
          A,
          O,
          D,
          V,
          VO,
          GA,
          GO,
          GD,
          g.gv,
          B,
          M === null ? null : M.storage.array,
          M === null ? 0 : M.offset + t * B,
        );
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
        gemm(dOut, operands[p.operand] as Tensor, dA, gemmSpec(!p.transposeB, beta));
      });
    }
    setStateGrads(prev, cur);
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
