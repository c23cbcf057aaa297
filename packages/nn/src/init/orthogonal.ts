/**
 * Orthogonal initialisation (Saxe et al. 2014), as `torch.nn.init.orthogonal_`:
 * flatten the weight to rows × cols, draw a standard normal matrix A of the
 * taller orientation (m × n, m ≥ n), take its thin QR factorisation, fix the
 * signs so R has a positive diagonal (which makes Q Haar-distributed), and
 * transpose back if the weight was wide.
 *
 * The QR is blocked Householder (LAPACK's dgeqrf + dorgqr, compact WY
 * form) in float64: unconditionally stable, with nearly all flops in
 * matrix products run through `matMul`. Memory is a few copies of the
 * matrix (A, Q, one block update), never more.
 *
 * Speed: the initialiser draws A's columns lazily, one block of 32 at a
 * time, just before the Householder step that reads them, and skips the
 * update of later columns by earlier reflectors. This is still the
 * Householder QR of a standard normal matrix: a fixed reflector maps an
 * independent standard normal column to an independent standard normal
 * column (rotation invariance), so "reflect the later columns, then use
 * them" and "draw them after reflecting" give the same distribution of Q
 * (G. W. Stewart, SIAM J. Numer. Anal. 17(3), 1980; scipy's `ortho_group`
 * samples the same way). It halves the work: a 1024×4096 weight takes about
 * 1.5 s of CPU with the wasm backend (2.5 s for the first call, JIT
 * included), and the reserved wasm memory stays near 200 MB. `orthogonalQ`
 * factors a given matrix in full, for tests against PyTorch's QR of it.
 *
 * Storage: the algorithm works on Aᵀ (n × m, row j = column j of A), so a
 * Householder vector and every column it touches are contiguous rows.
 */

import type { z } from "@recurrent/registry";
import {
  type FloatDType,
  type Generator,
  matMul,
  type Shape,
  slice,
  type Tensor,
  tensor,
  tidy,
  zeros,
} from "@recurrent/tensor";
import { check, fmt } from "../errors.js";
import { parseOptions } from "../options.js";
import { gainSchema, type Initializer } from "./initializers.js";

/** Columns per block: the inner dimension of the matrix products. */
const blockSize = 32;
/** Rows per chunk of a block update (bounds the size of every temporary). */
const chunkRows = 64;

/**
 * @example
 * orthogonal({ gain: 1 })([4 * hidden, hidden], generator); // rows orthonormal columns
 */
export function orthogonal(options: z.input<typeof gainSchema> = {}): Initializer {
  const { gain } = parseOptions("orthogonal", gainSchema, options);
  return (shape, generator, dtype = "float32") => orthogonalTensor(shape, generator, gain, dtype);
}

function orthogonalTensor(
  shape: Shape,
  generator: Generator,
  gain: number,
  dtype: FloatDType,
): Tensor {
  check(shape.length >= 2, "SHAPE", () => {
    return `orthogonal: expected a shape of at least 2 dimensions, got ${fmt(shape)}`;
  });
  const rows = shape[0] as number;
  const size = shape.reduce((a, b) => a * b, 1);
  if (size === 0) return tensor(new Float64Array(0), { shape, dtype });
  const cols = size / rows;
  const wide = rows < cols;
  const [m, n] = wide ? [cols, rows] : [rows, cols];
  const qt = householderQt({ m, n, generator }); // n × m, row j = column j of Q
  // Q is m × n; the weight is Q when tall, Qᵀ (= qt) when wide.
  const values = wide ? qt.toTypedArray() : transposeArray(qt.data() as Float64Array, n, m);
  qt.dispose();
  if (gain !== 1) for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) * gain;
  return tensor(values, { shape, dtype });
}

/**
 * The Q factor of a given matrix `a` [m, n] (m ≥ n) with PyTorch's sign
 * convention (diag(R) > 0): what `orthogonal` computes for a drawn matrix,
 * exposed for tests against `torch.linalg.qr`. Returns float64 [m, n].
 */
export function orthogonalQ(a: Tensor): Tensor {
  check(a.rank === 2 && (a.shape[0] as number) >= (a.shape[1] as number), "SHAPE", () => {
    return `orthogonalQ: expected a matrix [m, n] with m >= n, got ${fmt(a.shape)}`;
  });
  const [m, n] = a.shape as [number, number];
  const at = tensor(transposeArray(Float64Array.from(a.data()), m, n), {
    shape: [n, m],
    dtype: "float64",
  });
  const qt = householderQt({ m, n, at });
  at.dispose();
  const q = tensor(transposeArray(qt.data() as Float64Array, n, m), {
    shape: [m, n],
    dtype: "float64",
  });
  qt.dispose();
  return q;
}

type QrInput =
  /** Factor this Aᵀ (n × m, overwritten). */
  | { m: number; n: number; at: Tensor }
  /** Factor a standard normal A whose columns are drawn block by block (see the top of the file). */
  | { m: number; n: number; generator: Generator };

/** Qᵀ (n × m) of A = QR with diag(R) > 0, for m ≥ n. */
function householderQt(input: QrInput): Tensor {
  const { m, n } = input;
  const blocks: { k: number; vt: Tensor; t: Tensor }[] = [];
  const signs = new Float64Array(n);
  for (let k = 0; k < n; k += blockSize) {
    const b = Math.min(blockSize, n - k);
    if ("at" in input) {
      const { vt, t } = factorPanel(input.at, k, m, k, b, signs, true);
      if (k + b < n) {
        // Aᵀ[k+b:, k:] ← C − (C·V)·T·Vᵀ: the block reflector Hᵀ = I − V·Tᵀ·Vᵀ applied to A's later columns.
        applyBlockReflector(input.at, m, k + b, n, k, vt, t, false);
      }
      blocks.push({ k, vt, t });
    } else {
      const panel = input.generator.normal([b, m], 0, 1, "float64"); // columns k..k+b of A
      const { vt, t } = factorPanel(panel, 0, m, k, b, signs, false);
      panel.dispose();
      blocks.push({ k, vt, t });
    }
  }
  // Q = H₀·H₁·…·[I; 0], accumulated backwards so each block touches only Q[k:, k:].
  const qt = zeros([n, m], "float64");
  const q0 = qt.storage.array;
  for (let j = 0; j < n; j++) q0[qt.offset + j * m + j] = 1;
  for (let i = blocks.length - 1; i >= 0; i--) {
    const { k, vt, t } = blocks[i] as (typeof blocks)[number];
    // Qᵀ[k:, k:] ← S − (S·V)·Tᵀ·Vᵀ with S = Qᵀ[k:, k:]: the block reflector H = I − V·T·Vᵀ from the left.
    applyBlockReflector(qt, m, k, n, k, vt, t, true);
    vt.dispose();
    t.dispose();
  }
  // Sign correction (PyTorch: q *= sign(diag(r))): column j of Q, row j of Qᵀ.
  const q = qt.storage.array;
  for (let j = 0; j < n; j++) {
    if ((signs[j] as number) >= 0) continue;
    const row = qt.offset + j * m;
    for (let i = 0; i < m; i++) q[row + i] = -(q[row + i] as number);
  }
  return qt;
}

/**
 * Householder vectors for columns k..k+b of A (rows k..k+b of Aᵀ), applied
 * within the panel when `reflectPanel` (not for freshly drawn columns), and the triangular T with H_k·…·H_{k+b−1} = I − V·T·Vᵀ
 * (LAPACK dlarft, forward, columnwise). Column k of A is row `panelRow`
 * of `at` (n × m). Records sign(R_jj) in `signs`.
 */
function factorPanel(
  at: Tensor,
  panelRow: number,
  m: number,
  k: number,
  b: number,
  signs: Float64Array,
  reflectPanel: boolean,
): { vt: Tensor; t: Tensor } {
  const len = m - k;
  const vt = tensor(new Float64Array(b * len), { shape: [b, len], dtype: "float64" });
  const t = tensor(new Float64Array(b * b), { shape: [b, b], dtype: "float64" });
  // Read the storages only after both allocations: wasm memory may grow and move.
  const a = at.storage.array as Float64Array;
  const v = vt.storage.array as Float64Array;
  const base = at.offset + (panelRow - k) * m;
  const vBase = vt.offset;
  const taus = new Float64Array(b);
  for (let c = 0; c < b; c++) {
    const j = k + c;
    const x = base + j * m; // row j of Aᵀ, column j of A
    // dlarfg: H = I − τ·v·vᵀ with v₀ = 1 maps x[j:] to (β, 0, …, 0), β = −sign(α)·‖x[j:]‖.
    const alpha = a[x + j] as number;
    let sigma = 0;
    for (let i = j + 1; i < m; i++) sigma += (a[x + i] as number) ** 2;
    let tau = 0;
    let beta = alpha;
    if (sigma !== 0) {
      const norm = Math.sqrt(alpha * alpha + sigma);
      beta = alpha < 0 ? norm : -norm;
      tau = (beta - alpha) / beta;
      const scale = 1 / (alpha - beta);
      for (let i = j + 1; i < m; i++) a[x + i] = (a[x + i] as number) * scale;
    }
    a[x + j] = beta;
    signs[j] = beta;
    taus[c] = tau;
    const vRow = vBase + c * len;
    v[vRow + c] = 1;
    for (let i = j + 1; i < m; i++) v[vRow + (i - k)] = a[x + i] as number;
    // Apply H to the rest of the panel: for each later column y, y −= τ·(vᵀy)·v.
    if (reflectPanel && tau !== 0) {
      for (let r = j + 1; r < k + b; r++) {
        const y = base + r * m;
        let dot = a[y + j] as number;
        for (let i = j + 1; i < m; i++) dot += (v[vRow + (i - k)] as number) * (a[y + i] as number);
        const f = tau * dot;
        a[y + j] = (a[y + j] as number) - f;
        for (let i = j + 1; i < m; i++)
          a[y + i] = (a[y + i] as number) - f * (v[vRow + (i - k)] as number);
      }
    }
  }
  // dlarft: T[c][c] = τ_c; T[0:c, c] = −τ_c · T[0:c, 0:c] · (V[:, 0:c]ᵀ · v_c), with VᵀV from one product.
  const gram = matMul(vt, vt, { transposeB: true });
  const g = gram.data();
  const tt = t.storage.array as Float64Array;
  const tBase = t.offset;
  const z = new Float64Array(b);
  for (let c = 0; c < b; c++) {
    const tau = taus[c] as number;
    tt[tBase + c * b + c] = tau;
    if (c === 0 || tau === 0) continue;
    for (let r = 0; r < c; r++) z[r] = -tau * (g[r * b + c] as number);
    for (let r = 0; r < c; r++) {
      let sum = 0;
      for (let s = r; s < c; s++) sum += (tt[tBase + r * b + s] as number) * (z[s] as number);
      tt[tBase + r * b + c] = sum;
    }
  }
  gram.dispose();
  return { vt, t };
}

/**
 * Rows row0..rowEnd of `target` (n × m, row-major), from column col0 on:
 * X ← X − (X·V)·op(T)·Vᵀ, with V given as Vt (b × (m − col0)). Done in
 * chunks of `chunkRows` rows, so every temporary has one of a few sizes and
 * the backend's allocator reuses them instead of growing by a full-size
 * update per block.
 */
function applyBlockReflector(
  target: Tensor,
  m: number,
  row0: number,
  rowEnd: number,
  col0: number,
  vt: Tensor,
  t: Tensor,
  transposeT: boolean,
): void {
  for (let r = row0; r < rowEnd; r += chunkRows) {
    const end = Math.min(r + chunkRows, rowEnd);
    tidy(() => {
      const x = slice(target, [r, col0], [end, m]);
      const w = matMul(matMul(x, vt, { transposeB: true }), t, { transposeB: transposeT });
      subtractInto(target, m, r, col0, matMul(w, vt));
    });
  }
}

/** target[row0 + r, col0 + c] −= update[r, c], for an n × m row-major target. */
function subtractInto(target: Tensor, m: number, row0: number, col0: number, update: Tensor): void {
  const [p, q] = update.shape as [number, number];
  const u = update.data();
  const a = target.storage.array;
  for (let r = 0; r < p; r++) {
    const t = target.offset + (row0 + r) * m + col0;
    const s = r * q;
    for (let c = 0; c < q; c++) a[t + c] = (a[t + c] as number) - (u[s + c] as number);
  }
}

/** The cols × rows transpose of a row-major rows × cols array (blocked for the cache). */
function transposeArray(src: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  const tile = 64;
  for (let i0 = 0; i0 < rows; i0 += tile) {
    for (let j0 = 0; j0 < cols; j0 += tile) {
      const iEnd = Math.min(i0 + tile, rows);
      const jEnd = Math.min(j0 + tile, cols);
      for (let i = i0; i < iEnd; i++) {
        for (let j = j0; j < jEnd; j++) out[j * rows + i] = src[i * cols + j] as number;
      }
    }
  }
  return out;
}
