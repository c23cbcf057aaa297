// Elementwise binary arithmetic on contiguous f32 arrays: the per-step glue of recurrent cells
// (adding biases, gating products, residuals), vectorised four lanes at a time.
//
// Three shapes of operand:
//   same length:       out[i]       = a[i] op b[i]          for i < n
//   row broadcast:     out[r·c + j] = a[r·c + j] op b[j]    for a [rows, cols], b [cols]
//   column broadcast:  out[r·c + j] = a[r·c + j] op b[r]    for a [rows, cols], b [rows, 1]
//                      (a scalar b is one row: rows = 1, cols = n)
// `out` may be the same pointer as `a` or `b` (in-place update); partial overlap is not allowed.
// Pointers are byte offsets; 16-byte alignment is fastest but not required.

const OP_ADD: i32 = 0;
const OP_SUB: i32 = 1;
const OP_MUL: i32 = 2;
const OP_DIV: i32 = 3;

// @ts-ignore: decorator
@inline
function applyVec(op: i32, x: v128, y: v128): v128 {
  if (op == OP_ADD) return f32x4.add(x, y);
  if (op == OP_SUB) return f32x4.sub(x, y);
  if (op == OP_MUL) return f32x4.mul(x, y);
  return f32x4.div(x, y);
}

// @ts-ignore: decorator
@inline
function applyScalar(op: i32, x: f32, y: f32): f32 {
  if (op == OP_ADD) return x + y;
  if (op == OP_SUB) return x - y;
  if (op == OP_MUL) return x * y;
  return x / y;
}

/** out[i] = a[i] op b[i]; `op` is a compile-time constant after inlining. */
// @ts-ignore: decorator
@inline
function binary(op: i32, a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const o = <usize>i << 2;
    const r0 = applyVec(op, v128.load(a + o, 0), v128.load(b + o, 0));
    const r1 = applyVec(op, v128.load(a + o, 16), v128.load(b + o, 16));
    const r2 = applyVec(op, v128.load(a + o, 32), v128.load(b + o, 32));
    const r3 = applyVec(op, v128.load(a + o, 48), v128.load(b + o, 48));
    v128.store(out + o, r0, 0);
    v128.store(out + o, r1, 16);
    v128.store(out + o, r2, 32);
    v128.store(out + o, r3, 48);
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, applyVec(op, v128.load(a + o), v128.load(b + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, applyScalar(op, load<f32>(a + o), load<f32>(b + o)));
  }
}

/** out[r][j] = a[r][j] op b[j] for a [rows, cols] and b [cols], all contiguous. */
// @ts-ignore: decorator
@inline
function binaryRow(op: i32, a: usize, b: usize, out: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const offset = <usize>r * rowBytes;
    binary(op, a + offset, b, out + offset, cols);
  }
}

/** out[r][j] = a[r][j] op b[r] for a [rows, cols] and b [rows], all contiguous. */
// @ts-ignore: decorator
@inline
function binaryColumn(op: i32, a: usize, b: usize, out: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const offset = <usize>r * rowBytes;
    const y = load<f32>(b + (<usize>r << 2));
    const yv = f32x4.splat(y);
    const ar = a + offset;
    const or = out + offset;
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      v128.store(or + o, applyVec(op, v128.load(ar + o), yv));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(or + o, applyScalar(op, load<f32>(ar + o), y));
    }
  }
}

/** out = a + b elementwise over n floats. */
export function add(a: usize, b: usize, out: usize, n: i32): void {
  binary(OP_ADD, a, b, out, n);
}
/** out = a - b elementwise over n floats. */
export function sub(a: usize, b: usize, out: usize, n: i32): void {
  binary(OP_SUB, a, b, out, n);
}
/** out = a * b elementwise over n floats. */
export function mul(a: usize, b: usize, out: usize, n: i32): void {
  binary(OP_MUL, a, b, out, n);
}
/** out = a / b elementwise over n floats (IEEE: x/0 = ±inf, 0/0 = NaN). */
export function div(a: usize, b: usize, out: usize, n: i32): void {
  binary(OP_DIV, a, b, out, n);
}

/** out[r, :] = a[r, :] + b for a [rows, cols], b [cols] (bias add). */
export function addRow(a: usize, b: usize, out: usize, rows: i32, cols: i32): void {
  binaryRow(OP_ADD, a, b, out, rows, cols);
}
/** out[r, :] = a[r, :] - b for a [rows, cols], b [cols]. */
export function subRow(a: usize, b: usize, out: usize, rows: i32, cols: i32): void {
  binaryRow(OP_SUB, a, b, out, rows, cols);
}
/** out[r, :] = a[r, :] * b for a [rows, cols], b [cols]. */
export function mulRow(a: usize, b: usize, out: usize, rows: i32, cols: i32): void {
  binaryRow(OP_MUL, a, b, out, rows, cols);
}
/** out[r, :] = a[r, :] / b for a [rows, cols], b [cols]. */
export function divRow(a: usize, b: usize, out: usize, rows: i32, cols: i32): void {
  binaryRow(OP_DIV, a, b, out, rows, cols);
}

/** out[r, :] = a[r, :] + b[r] for a [rows, cols], b [rows] (b a scalar when rows = 1). */
export function addColumn(a: usize, b: usize, out: usize, rows: i32, cols: i32): void {
  binaryColumn(OP_ADD, a, b, out, rows, cols);
}
/** out[r, :] = a[r, :] - b[r]. */
export function subColumn(a: usize, b: usize, out: usize, rows: i32, cols: i32): void {
  binaryColumn(OP_SUB, a, b, out, rows, cols);
}
/** out[r, :] = a[r, :] * b[r]. */
export function mulColumn(a: usize, b: usize, out: usize, rows: i32, cols: i32): void {
  binaryColumn(OP_MUL, a, b, out, rows, cols);
}
/** out[r, :] = a[r, :] / b[r]. */
export function divColumn(a: usize, b: usize, out: usize, rows: i32, cols: i32): void {
  binaryColumn(OP_DIV, a, b, out, rows, cols);
}
