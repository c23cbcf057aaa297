/**
 * W1 for our own backends: float32 matMul GFLOP/s on square sizes and the
 * three RNN shapes (forward, gradient of the input, gradient of the weight),
 * with transposed operands read in place as the backward pass reads them.
 * Prints one JSON line per measurement.
 *
 *   tsx --conditions=@recurrent/source bench/ours/gemm.ts [--impl recurrent-wasm,recurrent-js] [--sizes 64,128]
 */
import { Generator, listBackends, matMul, setBackend, tidy } from "@recurrent/tensor";

interface Shape {
  m: number;
  k: number;
  n: number;
  ta: boolean;
  tb: boolean;
}

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const sizes = (option("--sizes") ?? "64,128,256,512,1024").split(",").map(Number);
const impls = (option("--impl") ?? "recurrent-wasm,recurrent-js").split(",");

const shapes: Shape[] = [
  ...sizes.map((n) => ({ m: n, k: n, n, ta: false, tb: false })),
  { m: 32, k: 256, n: 1024, ta: false, tb: false }, // forward: h · W
  { m: 32, k: 1024, n: 256, ta: false, tb: true }, // dh = dgates · Wᵀ
  { m: 256, k: 32, n: 1024, ta: true, tb: false }, // dW = hᵀ · dgates
];

const rng = new Generator(0);
for (const impl of impls) {
  const backend = impl.replace("recurrent-", "");
  if (!listBackends().includes(backend)) {
    console.log(JSON.stringify({ bench: "gemm", impl, skipped: `no ${backend} backend here` }));
    continue;
  }
  setBackend(backend);
  for (const s of shapes) {
    const flops = 2 * s.m * s.k * s.n;
    // Aim for ~0.3 s of work per shape (the js backend runs ~1 GFLOP/s).
    const budget = backend === "js" ? 0.3e9 : 6e9;
    if (backend === "js" && flops > 2.2e9) continue;
    const a = rng.uniform(s.ta ? [s.k, s.m] : [s.m, s.k], -1, 1);
    const b = rng.uniform(s.tb ? [s.n, s.k] : [s.k, s.n], -1, 1);
    const run = () => tidy(() => void matMul(a, b, { transposeA: s.ta, transposeB: s.tb }));
    run();
    const reps = Math.max(3, Math.min(200, Math.round(budget / flops)));
    const times: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      run();
      times.push(performance.now() - t0);
    }
    times.sort((x, y) => x - y);
    const median = times[Math.floor(times.length / 2)] as number;
    const gflops = flops / (median * 1e6);
    console.log(
      JSON.stringify({
        bench: "gemm",
        impl,
        m: s.m,
        k: s.k,
        n: s.n,
        ta: s.ta,
        tb: s.tb,
        gflops: Number(gflops.toFixed(2)),
      }),
    );
    a.dispose();
    b.dispose();
  }
}
