// Raw single-core benchmark of the wasm sgemm/dgemm kernels, without any tensor machinery:
// prints GFLOP/s (median of several timed runs) for square sizes and the shapes that recurrent-layer
// training produces. Used to tune the blocking; run after `node scripts/build-wasm.mjs`:
//   node scripts/bench-gemm-raw.mjs [--f64] [--filter TEXT]

import { loadavg } from "node:os";
import { loadKernels } from "./load-kernels.mjs";

const args = process.argv.slice(2);
const useF64 = args.includes("--f64");
const filterAt = args.indexOf("--filter");
const filter = filterAt >= 0 ? args[filterAt + 1] : "";

const memory = new WebAssembly.Memory({ initial: 4096 }); // 256 MiB
const kernels = loadKernels(memory);

const bytesPer = useF64 ? 8 : 4;
const gemm = useF64 ? kernels.dgemm : kernels.sgemm;
const workBytes = useF64 ? kernels.dgemmWorkBytes : kernels.sgemmWorkBytes;
if (!gemm) throw new Error("this build has no dgemm");

let top = kernels.heapBase();
function alloc(bytes) {
  top = Math.ceil(top / 64) * 64;
  const ptr = top;
  top += bytes;
  if (top > memory.buffer.byteLength) throw new Error("benchmark heap exhausted");
  return ptr;
}
function randomFill(ptr, count) {
  const view = useF64
    ? new Float64Array(memory.buffer, ptr, count)
    : new Float32Array(memory.buffer, ptr, count);
  for (let i = 0; i < count; i++) view[i] = Math.random() * 2 - 1;
}

// [label, transA, transB, m, n, k]
const shapes = [
  ["square 256", 0, 0, 256, 256, 256],
  ["square 512", 0, 0, 512, 512, 512],
  ["square 1024", 0, 0, 1024, 1024, 1024],
  ["[32,256]·[256,1024] NN", 0, 0, 32, 1024, 256],
  ["[32,1024]·[256,1024]ᵀ NT", 0, 1, 32, 256, 1024],
  ["[32,256]ᵀ·[32,1024] TN", 1, 0, 256, 1024, 32],
  ["[2048,256]·[256,65] NN", 0, 0, 2048, 65, 256],
  ["[2048,65]·[256,65]ᵀ NT", 0, 1, 2048, 256, 65],
  ["[2048,256]ᵀ·[2048,65] TN", 1, 0, 256, 65, 2048],
  ["[2048,65]ᵀ·[2048,1024] TN", 1, 0, 65, 1024, 2048],
  ["[2048,256]·[256,1024] NN", 0, 0, 2048, 1024, 256],
  ["[64,128]·[128,512] NN", 0, 0, 64, 512, 128],
  ["cache-resident 64×64×256", 0, 0, 64, 64, 256],
];

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)];
}

console.log(`${useF64 ? "dgemm" : "sgemm"}, one core, GFLOP/s = 2·m·n·k / median time`);
const load = loadavg()[0] ?? 0;
if (load > 1) {
  console.log(
    `note: 1-minute load average is ${load.toFixed(1)}; other processes share the cores,`,
  );
  console.log(
    "      so medians are low and noisy — the best sample is closer to the kernel's speed",
  );
}
for (const [label, transA, transB, m, n, k] of shapes) {
  if (filter && !label.includes(filter)) continue;
  top = kernels.heapBase();
  const a = alloc(m * k * bytesPer);
  const b = alloc(k * n * bytesPer);
  const c = alloc(m * n * bytesPer);
  const work = alloc(workBytes(m, n, k));
  randomFill(a, m * k);
  randomFill(b, k * n);
  const lda = transA ? m : k;
  const ldb = transB ? k : n;
  const flops = 2 * m * n * k;
  // Enough repetitions per sample for ~20 ms, and warm-up so V8 has tiered up to TurboFan.
  const run = () => gemm(transA, transB, m, n, k, 1, a, lda, b, ldb, 0, c, n, work);
  let reps = 1;
  for (let t = performance.now(); performance.now() - t < 300; ) run();
  for (;;) {
    const t = performance.now();
    for (let r = 0; r < reps; r++) run();
    if (performance.now() - t > 20) break;
    reps *= 2;
  }
  const samples = [];
  for (let s = 0; s < 9; s++) {
    const t = performance.now();
    for (let r = 0; r < reps; r++) run();
    samples.push((performance.now() - t) / reps);
  }
  const ms = median(samples);
  const best = Math.min(...samples);
  const gflops = flops / (ms * 1e6);
  console.log(
    `${label.padEnd(28)} ${gflops.toFixed(1).padStart(6)} GFLOP/s  (median ${ms.toFixed(3)} ms; ` +
      `best ${(flops / (best * 1e6)).toFixed(1)} GFLOP/s)`,
  );
}
