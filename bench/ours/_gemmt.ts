import { empty, Generator, kernel, matMul, tidy } from "@recurrent/tensor";
import { enableThreads } from "@recurrent/tensor/threads";

const threads = Number(process.env.TH ?? 1);
if (threads > 1) enableThreads({ threads });
const rng = new Generator(0);
const shapes = [
  [32, 256, 768, false, true],
  [32, 768, 256, false, false],
  [32, 256, 1024, false, true],
  [768, 2048, 256, true, false],
  [2048, 256, 1024, false, false],
] as const;
for (const [m, k, n, ta, tb] of shapes) {
  const a = rng.uniform(ta ? [k, m] : [m, k], -1, 1);
  const b = rng.uniform(tb ? [n, k] : [k, n], -1, 1);
  const c = empty([m, n]);
  const g = kernel("gemm");
  const run = () => g(a, b, c, { transposeA: ta, transposeB: tb, alpha: 1, beta: 0 });
  for (let i = 0; i < 20; i++) run();
  const reps = Math.max(20, Math.round(3e9 / (2 * m * n * k)));
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) run();
  const t = (performance.now() - t0) / reps;
  console.log(
    threads,
    m,
    k,
    n,
    ta,
    tb,
    (t * 1000).toFixed(1) + "us",
    ((2 * m * n * k) / t / 1e6).toFixed(1),
    "GFLOP/s",
  );
}
process.exit(0);
