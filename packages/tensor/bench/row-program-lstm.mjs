// Micro-benchmark (not a test): one LSTM step's gate arithmetic, forward and backward, for
// batch 32 × hidden 256 on the wasm backend, as two generic row programs against the
// hand-written lstmForward/lstmBackward kernels. Prints the time per forward+backward pair and
// the ratio. Run from packages/tensor after `pnpm build`: node bench/row-program-lstm.mjs

import { getBackend, kernel, RowOp as O, setBackend } from "../dist/index.js";

setBackend("wasm");
const B = 32;
const H = 256;
const backend = getBackend();

function matrix(cols, seed) {
  const storage = backend.alloc("float32", B * cols);
  const a = storage.array;
  let s = seed;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = (s / 4294967296) * 2 - 1;
  }
  return { storage, dtype: "float32", shape: [B, cols], strides: [cols, 1], offset: 0 };
}

const gates = matrix(4 * H, 1);
const [cPrev, hPrev, c, h, y, dh, dy, dc, dhPass] = [2, 3, 4, 5, 6, 7, 8, 9, 10].map((s) =>
  matrix(H, s),
);
const dGates = matrix(4 * H, 11);

// Operands: 0–3 gate blocks (i, f, g, o), 4 cPrev, 5 c, 6 h, 7 y, 8 dh, 9 dy, 10 dc, 11–14 dGates blocks, 15 dhPass.
const operands = [
  gates,
  gates,
  gates,
  gates,
  cPrev,
  c,
  h,
  y,
  dh,
  dy,
  dc,
  dGates,
  dGates,
  dGates,
  dGates,
  dhPass,
].map((v) => v.storage);
const layout = new Int32Array(3 * operands.length);
for (let k = 0; k < operands.length; k++) layout.set([0, H, 1], 3 * k);
for (let g = 0; g < 4; g++) {
  layout.set([g * H, 4 * H, 1], 3 * g);
  layout.set([g * H, 4 * H, 1], 3 * (11 + g));
}

const program = (ins, registers, constants = [0]) => ({
  code: Int32Array.from(ins.flat()),
  constants: Float32Array.from(constants),
  registers,
});
// Forward: activations saved into gates; c = f·c₋ + i·g; h = y = o·tanh(c).
const forward = program(
  [
    [O.LOAD, 0, 0, 0],
    [O.SIGMOID, 0, 0, 0],
    [O.STORE, 0, 0, 0],
    [O.LOAD, 1, 1, 0],
    [O.SIGMOID, 1, 1, 0],
    [O.STORE, 1, 1, 0],
    [O.LOAD, 2, 2, 0],
    [O.TANH, 2, 2, 0],
    [O.STORE, 2, 2, 0],
    [O.LOAD, 3, 3, 0],
    [O.SIGMOID, 3, 3, 0],
    [O.STORE, 3, 3, 0],
    [O.LOAD, 4, 4, 0],
    [O.MUL, 4, 4, 1],
    [O.FMA, 4, 0, 2],
    [O.STORE, 5, 4, 0],
    [O.TANH, 4, 4, 0],
    [O.MUL, 4, 4, 3],
    [O.STORE, 6, 4, 0],
    [O.STORE, 7, 4, 0],
  ],
  5,
);
// Backward: d = dh + dy; tc = tanh(c); dct = dc + d·o·(1 − tc²);
// di = dct·g·i(1−i), df = dct·c₋·f(1−f), dg = dct·i·(1−g²), do = d·tc·o(1−o); dc = dct·f.
const backward = program(
  [
    [O.LOAD, 0, 0, 0],
    [O.LOAD, 1, 1, 0],
    [O.LOAD, 2, 2, 0],
    [O.LOAD, 3, 3, 0],
    [O.LOAD, 4, 8, 0],
    [O.LOAD, 5, 9, 0],
    [O.ADD, 4, 4, 5], // r4 = d
    [O.LOAD, 5, 5, 0],
    [O.TANH, 5, 5, 0], // r5 = tc
    [O.SQUARE, 6, 5, 0],
    [O.ONE_MINUS, 6, 6, 0],
    [O.MUL, 6, 6, 3],
    [O.MUL, 6, 6, 4],
    [O.LOAD, 7, 10, 0],
    [O.ADD, 6, 6, 7], // r6 = dct
    [O.MUL, 7, 4, 5],
    [O.ONE_MINUS, 8, 3, 0],
    [O.MUL, 8, 8, 3],
    [O.MUL, 7, 7, 8],
    [O.STORE, 14, 7, 0], // do
    [O.MUL, 7, 6, 1],
    [O.STORE, 10, 7, 0], // dc₋
    [O.ONE_MINUS, 8, 0, 0],
    [O.MUL, 8, 8, 0],
    [O.MUL, 8, 8, 2],
    [O.MUL, 8, 8, 6],
    [O.STORE, 11, 8, 0], // di
    [O.LOAD, 7, 4, 0],
    [O.ONE_MINUS, 8, 1, 0],
    [O.MUL, 8, 8, 1],
    [O.MUL, 8, 8, 7],
    [O.MUL, 8, 8, 6],
    [O.STORE, 12, 8, 0], // df
    [O.SQUARE, 8, 2, 0],
    [O.ONE_MINUS, 8, 8, 0],
    [O.MUL, 8, 8, 0],
    [O.MUL, 8, 8, 6],
    [O.STORE, 13, 8, 0], // dg
    [O.CONST, 8, 0, 0],
    [O.STORE, 15, 8, 0], // dhPass = 0 (no mask)
  ],
  9,
);

const rowProgram = kernel("rowProgram");
const lstmForward = kernel("lstmForward");
const lstmBackward = kernel("lstmBackward");
const viaProgram = () => {
  rowProgram(forward, operands, layout, B, H);
  rowProgram(backward, operands, layout, B, H);
};
const handWritten = () => {
  lstmForward({ batch: B, hidden: H, gates, cPrev, hPrev, c, h, y, mask: null });
  lstmBackward({ batch: B, hidden: H, gates, cPrev, c, mask: null, dh, dy, dc, dGates, dhPass });
};

function time(fn, iterations) {
  const start = performance.now();
  for (let i = 0; i < iterations; i++) fn();
  return ((performance.now() - start) / iterations) * 1000;
}
const iterations = 2000;
for (let i = 0; i < 300; i++) {
  viaProgram();
  handWritten();
}
let best = { program: Infinity, hand: Infinity };
for (let round = 0; round < 5; round++) {
  best = {
    program: Math.min(best.program, time(viaProgram, iterations)),
    hand: Math.min(best.hand, time(handWritten, iterations)),
  };
}
console.log(
  JSON.stringify({
    bench: "rowProgram-lstm-gates",
    batch: B,
    hidden: H,
    us_rowProgram: +best.program.toFixed(1),
    us_handWritten: +best.hand.toFixed(1),
    ratio: +(best.program / best.hand).toFixed(2),
  }),
);
