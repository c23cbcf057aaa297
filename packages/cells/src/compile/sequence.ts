/**
 * The derived fused path: one custom differentiable op that runs a cell's
 * lowered step over a whole sequence as one `recurrence` of
 * @recurrent/tensor (per step: packed-B GEMMs and row programs, operands
 * addressed affinely in the step), so the wasm backend runs the whole loop
 * in one call and splits the rows over its threads.
 *
 * Forward: the hoisted input projections as one GEMM each over all T·B rows
 * (a lookup for token ids), folded biases added once; then per step, level
 * by level, the recurrent GEMMs (A_t·op(W) into that step's rows, W packed
 * once per call) and the level's element-wise row program. Backward walks
 * the steps in reverse: per level the backward row program (∂L/∂ products,
 * projections, previous state, vectors), then per product
 * ∂L/∂A_t = ∂L/∂out_t·op(W)ᵀ; after the loop the weight gradients as one
 * large GEMM each (∂L/∂W = ∂L/∂outᵀ·A over all steps).
 *
 * Buffers are time-ordered [T·B, w]; each state part lives in one buffer of
 * T + 1 row blocks (the initial state in the extra block: first going
 * forwards, last in reverse), so the previous and the next state of step t
 * are blocks at fixed distances and every address is affine in the step.
 */
import { type BackwardContext, defineOp } from "@recurrent/autograd";
import {
  contiguous,
  empty,
  gather,
  kernel,
  matMul,
  type PackedB,
  type Recurrence,
  type RecurrenceOp,
  reshape,
  scatterAdd,
  slice,
  sum,
  type Tensor,
  tidy,
  transpose,
  zeros,
} from "@recurrent/tensor";
import { addFoldedVector } from "./fuse.js";
import type { Product } from "./lower.js";
import type { Plan } from "./plan.js";
import type { LevelPrograms } from "./programs.js";
import {
  type GradBuffers,
  Operands,
  programOp,
  type Saved,
  slotPlaces,
  type Walk,
} from "./step-addresses.js";

interface Attrs {
  readonly plan: Plan;
  readonly mask: Tensor | null;
  readonly reverse: boolean;
}

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
  // Each pass runs in a scope of its own: the views and partial sums it makes are freed when it
  // returns, not when its caller's scope closes (the layer below would carry them otherwise).
  forward: (inputs, attrs) => tidy(() => forward(inputs, attrs)),
  backward: (ctx) => tidy(() => backward(ctx)),
  // What the forward allocated for the backward; state0, vecs and mask may be the caller's own.
  release(saved) {
    const s = saved as Saved;
    for (const t of [...s.proj, ...s.states, ...s.prods, ...s.saved]) t.dispose();
    for (const t of s.opnds) t?.dispose();
    s.x2d?.dispose();
  },
});

function forward(
  inputs: readonly Tensor[],
  { plan, mask, reverse }: Attrs,
): { outputs: Tensor[]; saved: Saved } {
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
  const states = parts.map((part, i) => {
    const w = lowered.stateWidths[part] as number;
    const ext = empty([(T + 1) * B, w], dtype);
    kernel("copyInto")(state0[i] as Tensor, blockView(ext, initialBlock(T, reverse), B));
    return ext;
  });
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
  const saved: Saved = { proj, states, prods, opnds, x2d, state0, vecs, mask: m, saved: acts };
  runForward(plan, saved, operands as Tensor[], y, T, B, reverse);
  // Projections and products the backward never reads as values (an LSTM's gates are read back
  // from the saved activations) are freed now rather than held until the backward.
  const read = valuesReadBackward(plan, m !== null);
  proj.forEach((t, h) => {
    if (!read.has(lowered.hoisted[h]?.out as number)) t.dispose();
  });
  prods.forEach((t, g) => {
    if (!read.has(lowered.products[g]?.out as number) && productInto[g] === -1) t.dispose();
  });
  const finals = states.map((ext) => copyOfBlock(ext, finalBlock(T, reverse), B));
  const width = lowered.outputWidth;
  return { outputs: [reshape(y, [T, B, width]), ...finals], saved };
}

function backward({
  grads,
  inputs,
  saved,
  attrs: { plan, reverse },
  needsGrad,
}: BackwardContext<Attrs, Saved>): (Tensor | null)[] {
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
  // Per state part, the gradients of every block of `states`; the final state's come in.
  const dStates = parts.map((part, i) => {
    const w = lowered.stateWidths[part] as number;
    const d = zeros([(T + 1) * B, w], dtype);
    const g = grads[1 + i];
    if (g) kernel("copyInto")(reshape(g, [B, w]), blockView(d, finalBlock(T, reverse), B));
    return d;
  });
  const vecGrads = s.vecs.map((v) => (v === null ? null : zeros(v.shape, dtype)));
  runBackward(
    plan,
    s,
    operands as Tensor[],
    { dY, dProj, dProds, dOpnds, dX2d, dStates, vecGrads },
    T,
    B,
    reverse,
  );
  const dState0 = dStates.map((d) => copyOfBlock(d, initialBlock(T, reverse), B));
  // Freed now rather than when this pass's scope closes: the weight gradients below are large.
  for (const d of dStates) d.dispose();
  for (const d of dOpnds) d?.dispose();

  // Weight and input gradients as large GEMMs over all steps.
  const opGrads: (Tensor | null)[] = operands.map(() => null);
  const addTo = (i: number, g: Tensor) => {
    const old = opGrads[i];
    opGrads[i] = old === null || old === undefined ? g : addTensors(old, g, true);
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
      dx = dx === null ? g : addTensors(dx, g, true);
    }
  });
  if (dX2d !== null && needsGrad(0)) dx = dx === null ? dX2d : addTensors(dx, dX2d, true);
  lowered.products.forEach((p, g) => {
    if (!needsGrad(1 + parts.length + p.operand)) return;
    const slotA = lowered.slots[p.a];
    let a: Tensor;
    if (slotA?.kind === "operand") a = s.opnds[g] as Tensor;
    else {
      const i = parts.indexOf(slotA?.key as string);
      a = previousStates(s.states[i] as Tensor, T, B, reverse);
    }
    const dp = dProds[g] as Tensor;
    addTo(
      p.operand,
      p.transposeB ? matMul(dp, a, { transposeA: true }) : matMul(a, dp, { transposeA: true }),
    );
  });
  const columnSums = new Map<number, Tensor>(); // b_ih and b_hh fold into one projection
  vectorInto.forEach((h, v) => {
    // proj += b on every row  ⇒  ∂L/∂b = Σ_rows ∂L/∂proj
    if (h >= 0 && needsGrad(1 + parts.length + v)) {
      let total = columnSums.get(h);
      if (total === undefined) {
        total = sum(dProj[h] as Tensor, 0);
        columnSums.set(h, total);
      }
      addTo(v, reshape(total, (operands[v] as Tensor).shape));
    }
  });
  vecGrads.forEach((v, i) => {
    if (v !== null && needsGrad(1 + parts.length + i))
      addTo(i, reshape(v, (operands[i] as Tensor).shape));
  });
  const dxOut = dx === null || ids ? null : reshape(dx as Tensor, x.shape);
  return [
    needsGrad(0) ? dxOut : null,
    ...parts.map((_, i) => (needsGrad(1 + i) ? (dState0[i] as Tensor) : null)),
    ...operands.map((_, i) => (needsGrad(1 + parts.length + i) ? (opGrads[i] ?? null) : null)),
  ];
}

/** a + b in a new tensor; `consume` frees a and b, partial sums no one else holds. */
function addTensors(a: Tensor, b: Tensor, consume = false): Tensor {
  const out = empty(a.shape, a.dtype);
  kernel("binary")("add", a, b, a.shape, out.storage);
  if (consume) {
    a.dispose();
    b.dispose();
  }
  return out;
}

/** The block of `states` holding the initial state: the first going forwards, the last in reverse. */
const initialBlock = (T: number, reverse: boolean) => (reverse ? T : 0);
/** The block holding the state after the last step. */
const finalBlock = (T: number, reverse: boolean) => (reverse ? 0 : T);

/** Row block `block` ([B, w]) of a [(T + 1)·B, w] buffer. */
function blockView(ext: Tensor, block: number, B: number): Tensor {
  return slice(ext, [block * B], [(block + 1) * B]);
}

/** A copy of row block `block`: a view would hold the whole buffer for as long as it lives. */
function copyOfBlock(ext: Tensor, block: number, B: number): Tensor {
  const out = empty([B, ext.shape[1] as number], ext.dtype);
  const view = blockView(ext, block, B);
  kernel("copyInto")(view, out);
  view.dispose();
  return out;
}

/** [T·B, w]: row block t holds the state step t started from (a slice of `states`, no copy). */
function previousStates(states: Tensor, T: number, B: number, reverse: boolean): Tensor {
  return reverse ? slice(states, [B], [(T + 1) * B]) : slice(states, [0], [T * B]);
}

/** The slots whose values some backward program loads (cached per plan and masking). */
const readCache = new WeakMap<Plan, Map<boolean, Set<number>>>();
function valuesReadBackward(plan: Plan, masked: boolean): Set<number> {
  let byMask = readCache.get(plan);
  if (byMask === undefined) {
    byMask = new Map();
    readCache.set(plan, byMask);
  }
  let read = byMask.get(masked);
  if (read === undefined) {
    read = new Set();
    for (const level of masked ? plan.maskedPrograms : plan.programs) {
      for (const ref of level?.backward.operands ?? []) if (ref.kind === "slot") read.add(ref.slot);
    }
    byMask.set(masked, read);
  }
  return read;
}

/** The level programs for this pass (with the mask's handling when there is one). */
function levelsOf(plan: Plan, s: Saved): readonly (LevelPrograms | null)[] {
  return s.mask === null ? plan.programs : plan.maskedPrograms;
}

/** Packs each recurrent product's op(W) (transposed again for the backward's ∂L/∂A) once per call. */
function packProducts(plan: Plan, operands: Tensor[], backward: boolean): PackedB[] {
  const packB = kernel("packB");
  return plan.lowered.products.map((p) =>
    packB(operands[p.operand] as Tensor, backward ? !p.transposeB : p.transposeB),
  );
}

function runForward(
  plan: Plan,
  s: Saved,
  operands: Tensor[],
  y: Tensor,
  T: number,
  B: number,
  reverse: boolean,
): void {
  const { lowered } = plan;
  const o = new Operands();
  const walk: Walk = { first: reverse ? T - 1 : 0, dir: reverse ? -1 : 1, B };
  const places = slotPlaces(plan, s, y, null, o, walk, reverse);
  const levels = levelsOf(plan, s);
  const packed = packProducts(plan, operands, false);
  try {
    const ops: RecurrenceOp[] = [];
    for (let level = 0; level <= lowered.levels; level++) {
      if (level > 0) {
        lowered.products.forEach((p, g) => {
          if (p.level !== level) return;
          const into = plan.fusion.productInto[g] as number;
          ops.push({
            kind: "gemm",
            a: places.value(p.a, 0, true),
            b: packed[g] as PackedB,
            out: places.value(p.out, 0, true),
            beta: into >= 0 ? 1 : 0,
          });
        });
      }
      const programs = levels[level];
      if (programs != null) {
        ops.push(programOp(programs.forward, programs, places, s, null, o, walk, lowered.lane));
      }
    }
    const spec: Recurrence = { steps: T, rows: B, ops };
    kernel("recurrence")(spec, o.storages);
  } finally {
    for (const pk of packed) pk.dispose();
  }
}

function runBackward(
  plan: Plan,
  s: Saved,
  operands: Tensor[],
  g: GradBuffers,
  T: number,
  B: number,
  reverse: boolean,
): void {
  const { lowered } = plan;
  const o = new Operands();
  const walk: Walk = { first: reverse ? 0 : T - 1, dir: reverse ? 1 : -1, B };
  const places = slotPlaces(plan, s, null, g, o, walk, reverse);
  const levels = levelsOf(plan, s);
  const packed = packProducts(plan, operands, true);
  try {
    const ops: RecurrenceOp[] = [];
    for (let level = lowered.levels; level >= 0; level--) {
      const programs = levels[level];
      if (programs != null) {
        ops.push(
          programOp(programs.backward, programs, places, s, g.vecGrads, o, walk, lowered.lane),
        );
      }
      if (level === 0) continue;
      lowered.products.forEach((p, i) => {
        if (p.level !== level) return;
        // out = A·op(W)  ⇒  ∂L/∂A = ∂L/∂out·op(W)ᵀ (added into the previous state's gradient)
        const intoState = lowered.slots[p.a]?.kind === "state";
        ops.push({
          kind: "gemm",
          a: places.grad(p.out, 0, true),
          b: packed[i] as PackedB,
          out: places.grad(p.a, 0, true),
          beta: intoState ? 1 : 0,
        });
      });
    }
    kernel("recurrence")({ steps: T, rows: B, ops }, o.storages);
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
