/**
 * Sums folded into the matrix products, as hand-written RNN kernels do: in
 * `gates = (x·W_ihᵀ + b_ih) + (h·W_hhᵀ + b_hh)` the element-wise program
 * need not load four rows and add them.
 *
 * - A recurrent product whose every lane is summed with the same lane of a
 *   hoisted projection accumulates into that projection's rows (its GEMM
 *   runs with beta = 1); both then have one gradient, the projection's.
 * - A vector whose every lane is summed with the same lane of a hoisted
 *   projection is added to the projection once after the hoisted GEMM; its
 *   gradient is the column sum of the projection's gradient.
 *
 * Only sums whose inner additions are used nowhere else are rewritten, so
 * the rewritten graph computes the same values (up to the order of float
 * additions) and every other use is untouched.
 */
import { empty, kernel, type Tensor } from "@recurrent/tensor";
import type { Lowered, Product, Scalar, Store } from "./lower.js";
import type { RowsView } from "./rows-view.js";

/** What the sequence op and the stepper do besides the GEMMs: which products and vectors fold into which projection. */
export interface Fusion {
  /** Per recurrent product: the hoisted projection it accumulates into, or -1. */
  readonly productInto: readonly number[];
  /** Per operand index: the hoisted projection the vector is added to, or -1. */
  readonly vectorInto: readonly number[];
}

type Leaf = number;

export function fuseSums(lowered: Lowered): { lowered: Lowered; fusion: Fusion } {
  const { scalars, slots } = lowered;
  const none: Fusion = {
    productInto: lowered.products.map(() => -1),
    vectorInto: lowered.operands.map(() => -1),
  };
  // Uses of each scalar (op arguments and stores).
  const uses = new Array<number>(scalars.length).fill(0);
  for (const s of scalars) if (s.t === "op") for (const a of s.args) uses[a] = (uses[a] ?? 0) + 1;
  for (const st of lowered.stores) uses[st.expr] = (uses[st.expr] ?? 0) + 1;
  const isAdd = (i: number) => {
    const s = scalars[i] as Scalar;
    return s.t === "op" && s.op === "add";
  };
  /** The leaves of the add tree at `root`, through inner adds used only there. */
  const leavesOf = (root: number): Leaf[] => {
    const out: Leaf[] = [];
    const walk = (i: number, inner: boolean) => {
      if (isAdd(i) && (!inner || uses[i] === 1)) {
        for (const a of (scalars[i] as { args: readonly number[] }).args) walk(a, true);
      } else out.push(i);
    };
    walk(root, false);
    return out;
  };
  // Roots: adds not swallowed by a parent add tree.
  const inner = new Set<number>();
  scalars.forEach((s) => {
    if (s.t === "op" && s.op === "add") {
      for (const a of s.args) if (isAdd(a) && uses[a] === 1) inner.add(a);
    }
  });
  const roots = scalars.map((_, i) => i).filter((i) => isAdd(i) && !inner.has(i));
  const trees = new Map(roots.map((r) => [r, leavesOf(r)]));

  const projOfSlot = new Map<number, number>();
  lowered.hoisted.forEach((h, k) => {
    projOfSlot.set(h.out, k);
  });
  const productOfSlot = new Map<number, number>();
  lowered.products.forEach((p, g) => {
    productOfSlot.set(p.out, g);
  });
  /** The projection lane a tree has (at most one load of one projection), as [hoisted, col]. */
  const projIn = (leaves: readonly Leaf[]): [number, number] | null => {
    const found = leaves.filter((l) => {
      const s = scalars[l] as Scalar;
      return s.t === "load" && s.lane && projOfSlot.has(s.slot);
    });
    if (found.length !== 1) return null;
    const s = scalars[found[0] as number] as Scalar & { t: "load" };
    return [projOfSlot.get(s.slot) as number, s.col];
  };

  // Every scalar that reads a product or a vector must be a leaf of a tree with a projection at
  // the same column, and all of one product's (vector's) leaves must meet the same projection.
  const candidate = (matches: (s: Scalar) => boolean, width: (h: number) => boolean) => {
    let into = -2; // -2: unseen, -1: not fusable
    scalars.forEach((s, i) => {
      if (!matches(s) || into === -1) return;
      const l = s as Scalar & { col: number; lane: boolean };
      const tree = [...trees.values()].find((leaves) => leaves.includes(i));
      const proj = tree === undefined ? null : projIn(tree);
      // The leaf must be used only inside that one tree.
      const inTree = tree === undefined ? 0 : tree.filter((x) => x === i).length;
      if (proj === null || !l.lane || proj[1] !== l.col || inTree !== uses[i] || !width(proj[0])) {
        into = -1;
        return;
      }
      if (into === -2) into = proj[0];
      else if (into !== proj[0]) into = -1;
    });
    return into < 0 ? -1 : into;
  };
  const productInto = lowered.products.map((p: Product, g) =>
    candidate(
      (s) => s.t === "load" && slots[s.slot]?.kind === "product" && productOfSlot.get(s.slot) === g,
      (h) => lowered.hoisted[h]?.n === p.n,
    ),
  );
  const vectorInto = lowered.operands.map((o, v) =>
    lowered.vectors[v] === v
      ? candidate(
          (s) => s.t === "vec" && s.vec === v,
          (h) => o.shape.reduce((a, b) => a * b, 1) === lowered.hoisted[h]?.n,
        )
      : -1,
  );
  // A projection that takes a fold must be read only in such sums, each holding every fold at
  // its column (anywhere else its rows would hold the sum, not x·W).
  lowered.hoisted.forEach((h, k) => {
    const folds = [
      ...productInto.flatMap((into, g) => (into === k ? [{ product: g }] : [])),
      ...vectorInto.flatMap((into, v) => (into === k ? [{ vec: v }] : [])),
    ];
    if (folds.length === 0) return;
    const sound = scalars.every((s, i) => {
      if (s.t !== "load" || s.slot !== h.out) return true;
      const tree = [...trees.values()].find((leaves) => leaves.includes(i));
      if (tree === undefined || uses[i] !== 1 || !s.lane) return false;
      return folds.every((f) =>
        tree.some((l) => {
          const x = scalars[l] as Scalar;
          return "product" in f
            ? x.t === "load" && x.slot === lowered.products[f.product]?.out && x.col === s.col
            : x.t === "vec" && x.vec === f.vec && x.col === s.col;
        }),
      );
    });
    if (sound) return;
    productInto.forEach((into, g) => {
      if (into === k) productInto[g] = -1;
    });
    vectorInto.forEach((into, v) => {
      if (into === k) vectorInto[v] = -1;
    });
  });
  if (productInto.every((h) => h < 0) && vectorInto.every((h) => h < 0)) {
    return { lowered, fusion: none };
  }
  const folded = (i: number) => {
    const s = scalars[i] as Scalar;
    if (s.t === "vec") return (vectorInto[s.vec] ?? -1) >= 0;
    if (s.t === "load" && slots[s.slot]?.kind === "product") {
      return (productInto[productOfSlot.get(s.slot) as number] ?? -1) >= 0;
    }
    return false;
  };
  // Rebuild the scalars: each rewritten tree sums its remaining leaves.
  const out: Scalar[] = [];
  const map = new Map<number, number>();
  scalars.forEach((s, i) => {
    const leaves = trees.get(i) ?? [];
    if (leaves.some(folded)) {
      const kept = leaves.filter((l) => !folded(l)).map((l) => map.get(l) as number);
      let acc = kept[0] as number;
      for (const l of kept.slice(1)) {
        out.push({ t: "op", op: "add", args: [acc, l] });
        acc = out.length - 1;
      }
      map.set(i, acc);
      return;
    }
    map.set(i, out.length);
    out.push(s.t === "op" ? { ...s, args: s.args.map((a) => map.get(a) as number) } : s);
  });
  const stores: Store[] = lowered.stores.map((st) => ({ ...st, expr: map.get(st.expr) as number }));
  return {
    lowered: {
      ...lowered,
      scalars: out,
      stores,
      vectors: lowered.vectors.map((v, i) => ((vectorInto[i] ?? -1) >= 0 ? -1 : v)),
    },
    fusion: { productInto, vectorInto },
  };
}

/** proj += vec on every row (a folded bias), in place. */
export function addFoldedVector(proj: RowsView | Tensor, vec: Tensor): void {
  const add = kernel("binary");
  if (proj.offset === 0) {
    add("add", proj, vec, proj.shape, proj.storage);
    return;
  }
  const sum = empty(proj.shape, proj.dtype);
  add("add", proj, vec, proj.shape, sum.storage);
  kernel("copyInto")(sum, proj);
  sum.dispose();
}
