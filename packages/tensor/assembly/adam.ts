// Fused Adam update: one pass over param, grad and both moment buffers instead of the six
// separate elementwise ops an unfused optimizer would run per parameter tensor.
//
// Follows torch.optim.Adam (amsgrad = false, maximize = false), single-tensor path, in f32:
//   g     = grad + weightDecay·param                  (only if weightDecay ≠ 0)
//   m     = lerp(m, g, 1 − beta1)                     (torch: exp_avg.lerp_(grad, 1 − beta1))
//   v     = beta2·v + (1 − beta2)·g·g                 (exp_avg_sq.mul_(beta2).addcmul_(g, g, 1 − beta2))
//   denom = sqrt(v) / sqrt(bc2) + eps
//   param = param − (lr / bc1)·m / denom
// with bc1 = 1 − beta1^t and bc2 = 1 − beta2^t for step t ≥ 1, passed in by the caller.
// Scalars arrive as f64 (JS numbers); derived constants are computed in f64 and rounded to f32
// once, as PyTorch does with its Python-float scalars.

/** One Adam step over n parameters (f32 arrays param, grad, m, v; grad is not modified). */
export function adamStep(
  param: usize,
  grad: usize,
  m: usize,
  v: usize,
  n: i32,
  lr: f64,
  beta1: f64,
  beta2: f64,
  eps: f64,
  weightDecay: f64,
  bc1: f64,
  bc2: f64,
): void {
  const weight1 = <f32>(1 - beta1);
  // torch.lerp uses start + w·(end − start) for w < 0.5, else end − (end − start)·(1 − w).
  const lerpFromStart = weight1 < 0.5;
  const vWeight1 = f32x4.splat(weight1);
  const vOneMinusWeight1 = f32x4.splat(<f32>1 - weight1);
  const vBeta2 = f32x4.splat(<f32>beta2);
  const vOneMinusBeta2 = f32x4.splat(<f32>(1 - beta2));
  const vBc2Sqrt = f32x4.splat(<f32>Math.sqrt(bc2));
  const vEps = f32x4.splat(<f32>eps);
  const vNegStep = f32x4.splat(<f32>(-(lr / bc1)));
  const vDecay = f32x4.splat(<f32>weightDecay);
  const decay = weightDecay != 0;

  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const p = v128.load(param + o);
    let g = v128.load(grad + o);
    if (decay) g = f32x4.add(g, f32x4.mul(p, vDecay));
    const mOld = v128.load(m + o);
    const diff = f32x4.sub(g, mOld);
    const mNew = lerpFromStart
      ? f32x4.add(mOld, f32x4.mul(vWeight1, diff))
      : f32x4.sub(g, f32x4.mul(diff, vOneMinusWeight1));
    const vNew = f32x4.add(f32x4.mul(v128.load(v + o), vBeta2), f32x4.mul(f32x4.mul(vOneMinusBeta2, g), g));
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vNew), vBc2Sqrt), vEps);
    v128.store(m + o, mNew);
    v128.store(v + o, vNew);
    v128.store(param + o, f32x4.add(p, f32x4.div(f32x4.mul(vNegStep, mNew), denom)));
  }
  // Scalar tail with the same operation order as the vector loop.
  const weight1s = weight1;
  const beta2s = <f32>beta2;
  const oneMinusBeta2 = <f32>(1 - beta2);
  const bc2Sqrt = <f32>Math.sqrt(bc2);
  const epsS = <f32>eps;
  const negStep = <f32>(-(lr / bc1));
  const decayS = <f32>weightDecay;
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const p = load<f32>(param + o);
    let g = load<f32>(grad + o);
    if (decay) g = g + p * decayS;
    const mOld = load<f32>(m + o);
    const diff = g - mOld;
    const mNew = lerpFromStart ? mOld + weight1s * diff : g - diff * (<f32>1 - weight1s);
    const vNew = load<f32>(v + o) * beta2s + oneMinusBeta2 * g * g;
    const denom = Mathf.sqrt(vNew) / bc2Sqrt + epsS;
    store<f32>(m + o, mNew);
    store<f32>(v + o, vNew);
    store<f32>(param + o, p + (negStep * mNew) / denom);
  }
}
