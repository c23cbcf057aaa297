// Measures the wasm unary kernels: the largest error against float64 Math.* (relative, over
// results in the normal float32 range, and in float32 ulps against the correctly rounded
// value) across dense sweeps, plus throughput of every elementwise kernel in ns per element.
// Run after `node scripts/build-wasm.mjs`:  node scripts/kernel-accuracy.mjs

import { loadKernels } from "./load-kernels.mjs";

const memory = new WebAssembly.Memory({ initial: 1024 });
const kernels = loadKernels(memory);
const base = Math.ceil(kernels.heapBase() / 64) * 64;

const sigmoid = (x) => 1 / (1 + Math.exp(-x));
const f32Bits = new Int32Array(new Float32Array(2).buffer);
function ulpDistance(x, y) {
  const pair = new Float32Array(f32Bits.buffer);
  pair[0] = x;
  pair[1] = y;
  const ordered = (b) => (b < 0 ? 0x80000000 - b : b);
  return Math.abs(ordered(f32Bits[0]) - ordered(f32Bits[1]));
}

/** Every float32 in [low, high] with a stride, so whole binades are covered densely. */
function sweep(low, high, count) {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = low + ((high - low) * i) / (count - 1);
  return out;
}
function logSpaced(count) {
  return Float32Array.from({ length: count }, (_, i) => 2 ** (-149 + (277 * i) / count));
}

const cases = [
  ["exp", Math.exp, sweep(-104, 89, 2_000_001)],
  ["log", Math.log, new Float32Array([...logSpaced(1_000_000), ...sweep(0.5, 2, 1_000_001)])],
  ["tanh", Math.tanh, new Float32Array([...sweep(-10, 10, 2_000_001), ...logSpaced(200_000)])],
  ["sigmoid", sigmoid, sweep(-104, 40, 2_000_001)],
];

console.log("max error vs float64 Math.* (normal float32 results)");
for (const [name, reference, inputs] of cases) {
  const n = inputs.length;
  const input = new Float32Array(memory.buffer, base, n);
  const output = new Float32Array(memory.buffer, base + n * 4 + 64, n);
  input.set(inputs);
  kernels[name](input.byteOffset, output.byteOffset, n);
  let worstRelative = 0;
  let worstAt = 0;
  let worstUlp = 0;
  for (let i = 0; i < n; i++) {
    const expected = reference(input[i]);
    const rounded = Math.fround(expected);
    if (!Number.isFinite(rounded) || Math.abs(rounded) < 2 ** -126) continue;
    const relative = Math.abs(output[i] - expected) / Math.abs(expected);
    if (relative > worstRelative) {
      worstRelative = relative;
      worstAt = input[i];
    }
    worstUlp = Math.max(worstUlp, ulpDistance(output[i], rounded));
  }
  console.log(
    `${name.padEnd(8)} max rel ${worstRelative.toExponential(2)} (at x=${worstAt})  ` +
      `max ${worstUlp} ulp from the correctly rounded float32  (${n} inputs)`,
  );
}

console.log(
  "\nthroughput, 16384-element arrays (cache-resident), ns per element (median, best of 15)",
);
const n = 16384;
const a = base;
const b = base + n * 4;
const out = base + 2 * n * 4;
new Float32Array(memory.buffer, a, n).set(sweep(-3, 3, n));
new Float32Array(memory.buffer, b, n).set(sweep(0.5, 2, n));
const runs = {
  add: () => kernels.add(a, b, out, n),
  mul: () => kernels.mul(a, b, out, n),
  div: () => kernels.div(a, b, out, n),
  addRow: () => kernels.addRow(a, b, out, 64, n / 64),
  exp: () => kernels.exp(a, out, n),
  log: () => kernels.log(b, out, n),
  tanh: () => kernels.tanh(a, out, n),
  sigmoid: () => kernels.sigmoid(a, out, n),
  relu: () => kernels.relu(a, out, n),
  sum: () => kernels.sum(a, n),
  colSum: () => kernels.colSum(a, out, 64, n / 64, 0),
};
for (const [name, run] of Object.entries(runs)) {
  for (let i = 0; i < 2000; i++) run();
  const samples = [];
  for (let s = 0; s < 15; s++) {
    const t = performance.now();
    for (let i = 0; i < 500; i++) run();
    samples.push(((performance.now() - t) * 1e6) / (500 * n));
  }
  samples.sort((x, y) => x - y);
  console.log(`${name.padEnd(8)} ${samples[7].toFixed(3)}  (best ${samples[0].toFixed(3)})`);
}
