"""PyTorch forward fixtures for @recurrent/tensor.

Writes packages/tensor/fixtures/torch-forward.json: for each op, small cases
with inputs (shape, dtype, flat row-major data drawn from a seeded torch
generator), attributes in @recurrent/tensor's API terms, and PyTorch's
output. src/ops/torch-parity.test.ts replays every case on every backend.

Run with Debian's torch:  /usr/bin/python3 packages/tensor/scripts/torch_forward_fixtures.py
The output is deterministic: same torch build, same file, byte for byte.

Encoding: float32 values are written as the shortest decimal that reads back
as the same float32; NaN and infinities as the strings "NaN", "Infinity",
"-Infinity" (JSON has no literal for them); booleans from comparisons as
1.0/0.0, the way our comparisons return them; int64 results as int32.
"""

import json
import math
import pathlib

import numpy as np
import torch

SEED = 20240607
OUT = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "torch-forward.json"

torch.use_deterministic_algorithms(True)
torch.set_num_threads(1)
gen = torch.Generator().manual_seed(SEED)
cases = []


def uniform(shape, low=-2.0, high=2.0):
    return torch.rand(shape, generator=gen, dtype=torch.float32) * (high - low) + low


def normal(shape, std=1.0):
    return torch.randn(shape, generator=gen, dtype=torch.float32) * std


def integers(shape, low, high):
    return torch.randint(low, high, shape, generator=gen, dtype=torch.int64)


def number(v, dtype):
    if dtype == "int32":
        return int(v)
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    # str() of a numpy float32 is the shortest decimal that round-trips in float32.
    return float(str(np.float32(v)))


def encode(t):
    if t.dtype == torch.bool:
        t = t.to(torch.float32)
    if t.dtype in (torch.int64, torch.int32):
        dtype = "int32"
        t = t.to(torch.int32)
    else:
        assert t.dtype == torch.float32, t.dtype
        dtype = "float32"
    flat = t.contiguous().reshape(-1).tolist()
    return {"shape": list(t.shape), "dtype": dtype, "data": [number(v, dtype) for v in flat]}


def add(name, op, inputs, attrs, output):
    cases.append(
        {
            "name": name,
            "op": op,
            "attrs": attrs,
            "inputs": [encode(x) for x in inputs],
            "output": encode(output),
        }
    )


def fmt(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


# --- unary -----------------------------------------------------------------
unary = {
    "neg": (torch.neg, None),
    "abs": (torch.abs, None),
    "sign": (torch.sign, None),
    "exp": (torch.exp, None),
    "log": (torch.log, (0.05, 4.0)),
    "sqrt": (torch.sqrt, (0.0, 4.0)),
    "rsqrt": (torch.rsqrt, (0.05, 4.0)),
    "square": (torch.square, None),
    "reciprocal": (torch.reciprocal, (0.25, 3.0)),
    "tanh": (torch.tanh, None),
    "sigmoid": (torch.sigmoid, None),
    "relu": (torch.relu, None),
    "sin": (torch.sin, None),
    "cos": (torch.cos, None),
    "floor": (torch.floor, None),
    "ceil": (torch.ceil, None),
    "round": (torch.round, None),
}
for name, (f, domain) in unary.items():
    low, high = domain if domain else (-3.0, 3.0)
    x = uniform((3, 4), low, high)
    add(f"{name} [3,4]", name, [x], {}, f(x))
# Values where the definitions are delicate: half-way rounding, saturation.
halves = torch.tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, -3.5])
add("round half to even", "round", [halves], {}, torch.round(halves))
wide = torch.tensor([-100.0, -20.0, -1e-3, 0.0, 1e-3, 20.0, 100.0])
for name in ("sigmoid", "tanh", "exp"):
    add(f"{name} wide range", name, [wide], {}, unary[name][0](wide))

# --- binary, with broadcasting -------------------------------------------------
binary = {
    "add": torch.add,
    "sub": torch.sub,
    "mul": torch.mul,
    "div": torch.div,
    "pow": torch.pow,
    "maximum": torch.maximum,
    "minimum": torch.minimum,
}
pairs = [((2, 3), (2, 3)), ((2, 3), (3,)), ((4, 1, 3), (2, 1)), ((), (2, 2)), ((2, 1, 3, 1), (1, 4, 1, 2))]
for name, f in binary.items():
    for sa, sb in pairs:
        if name == "pow":
            a = uniform(sa, 0.1, 3.0)
            b = uniform(sb, -2.0, 2.0)
        elif name == "div":
            a = uniform(sa)
            b = uniform(sb, 0.5, 2.0) * torch.where(uniform(sb) > 0, 1.0, -1.0)
        else:
            a = uniform(sa)
            b = uniform(sb)
        add(f"{name} {fmt(sa)} {fmt(sb)}", name, [a, b], {}, f(a, b))

# --- comparisons (coarse values so that ties occur) -------------------------------
comparisons = {
    "equal": torch.eq,
    "notEqual": torch.ne,
    "less": torch.lt,
    "lessEqual": torch.le,
    "greater": torch.gt,
    "greaterEqual": torch.ge,
}
for name, f in comparisons.items():
    for sa, sb in [((3, 4), (3, 4)), ((3, 1), (4,))]:
        a = integers(sa, -2, 3).to(torch.float32)
        b = integers(sb, -2, 3).to(torch.float32)
        add(f"{name} {fmt(sa)} {fmt(sb)}", name, [a, b], {}, f(a, b))
nan_a = torch.tensor([1.0, float("nan"), float("nan"), 2.0, float("inf")])
nan_b = torch.tensor([float("nan"), 1.0, float("nan"), 2.0, float("inf")])
for name, f in comparisons.items():
    add(f"{name} NaN and inf", name, [nan_a, nan_b], {}, f(nan_a, nan_b))
for name in ("maximum", "minimum"):
    add(f"{name} NaN", name, [nan_a, nan_b], {}, binary[name](nan_a, nan_b))

# --- where and clip ------------------------------------------------------------
for sc, sa, sb in [((3, 4), (3, 4), (3, 4)), ((3, 1), (4,), (3, 4)), ((2, 3), (), (2, 1))]:
    condition = integers(sc, 0, 2).to(torch.float32)
    a = uniform(sa)
    b = uniform(sb)
    add(
        f"where {fmt(sc)} {fmt(sa)} {fmt(sb)}",
        "where",
        [condition, a, b],
        {},
        torch.where(condition != 0, a, b),
    )
for low, high in [(-0.5, 0.5), (0.0, 1.0), (-3.0, -1.0)]:
    x = uniform((3, 4))
    add(f"clip [{low}, {high}]", "clip", [x], {"min": low, "max": high}, torch.clamp(x, low, high))
x = torch.tensor([float("nan"), float("inf"), float("-inf"), 0.25])
add("clip NaN and inf", "clip", [x], {"min": -1.0, "max": 1.0}, torch.clamp(x, -1.0, 1.0))


# --- reductions ------------------------------------------------------------------
def dims(axes, rank):
    return tuple(range(rank)) if axes is None else tuple(axes)


def prod_over(x, d, keep):
    # torch.prod takes one dim at a time; highest first keeps the others' indices valid.
    for axis in sorted((a % x.dim() for a in d), reverse=True):
        x = torch.prod(x, dim=axis, keepdim=keep)
    return x


shape = (3, 4, 5)
for axes, keep in [(None, False), (None, True), ([0], False), ([1], True), ([-1], False), ([0, 2], False), ([2, 0], True)]:
    x = uniform(shape)
    attrs = {"axes": axes, "keepDims": keep}
    d = dims(axes, len(shape))
    tag = f"{'all' if axes is None else axes} keep={keep}"
    add(f"sum {tag}", "sum", [x], attrs, torch.sum(x, dim=d, keepdim=keep))
    add(f"mean {tag}", "mean", [x], attrs, torch.mean(x, dim=d, keepdim=keep))
    add(f"max {tag}", "max", [x], attrs, torch.amax(x, dim=d, keepdim=keep))
    add(f"min {tag}", "min", [x], attrs, torch.amin(x, dim=d, keepdim=keep))
    add(f"logsumexp {tag}", "logsumexp", [x], attrs, torch.logsumexp(x, dim=d, keepdim=keep))
    y = uniform(shape, 0.5, 1.5) * torch.where(uniform(shape) > 0, 1.0, -1.0)
    add(f"prod {tag}", "prod", [y], attrs, prod_over(y, d, keep))
    for p in (2, 1, "Infinity", 3):
        ord_ = math.inf if p == "Infinity" else p
        add(
            f"norm p={p} {tag}",
            "norm",
            [x],
            {"p": p, **attrs},
            torch.linalg.vector_norm(x, ord=ord_, dim=d, keepdim=keep),
        )
for axis, keep in [(-1, False), (0, True), (1, False)]:
    x = integers((3, 4, 5), -4, 5).to(torch.float32)  # ties: the first index wins in both
    attrs = {"axis": axis, "keepDims": keep}
    add(f"argmax axis={axis} keep={keep}", "argmax", [x], attrs, torch.argmax(x, dim=axis, keepdim=keep))
    add(f"argmin axis={axis} keep={keep}", "argmin", [x], attrs, torch.argmin(x, dim=axis, keepdim=keep))
big = torch.tensor([[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1002.0], [-float("inf"), 0.0, -float("inf")]])
add("logsumexp large logits", "logsumexp", [big], {"axes": [1], "keepDims": False}, torch.logsumexp(big, dim=1))

# --- matMul ----------------------------------------------------------------------
for batch_a, batch_b, m, k, n in [
    ((), (), 3, 4, 5),
    ((), (), 1, 7, 1),
    ((2,), (2,), 3, 2, 4),
    ((2, 1), (3,), 2, 3, 2),
    ((), (3,), 4, 3, 2),
]:
    for ta in (False, True):
        for tb in (False, True):
            a = uniform(batch_a + ((k, m) if ta else (m, k)))
            b = uniform(batch_b + ((n, k) if tb else (k, n)))
            out = torch.matmul(a.transpose(-1, -2) if ta else a, b.transpose(-1, -2) if tb else b)
            add(
                f"matMul {fmt(a.shape)} {fmt(b.shape)} ta={ta} tb={tb}",
                "matMul",
                [a, b],
                {"transposeA": ta, "transposeB": tb},
                out,
            )

# --- softmax and logSoftmax ---------------------------------------------------------
for axis in (-1, 0, 1):
    x = normal((3, 4, 5), 3.0)
    add(f"softmax axis={axis}", "softmax", [x], {"axis": axis}, torch.softmax(x, dim=axis))
    add(f"logSoftmax axis={axis}", "logSoftmax", [x], {"axis": axis}, torch.log_softmax(x, dim=axis))
add("softmax large logits", "softmax", [big], {"axis": -1}, torch.softmax(big, dim=-1))
add("logSoftmax large logits", "logSoftmax", [big], {"axis": -1}, torch.log_softmax(big, dim=-1))

# --- gather (index-select along an axis, any index shape) -----------------------------
for xs, axis, idx_shape in [((5, 3), 0, (2, 4)), ((3, 4, 2), 1, (3,)), ((3, 4), -1, (2, 2)), ((4,), 0, ())]:
    x = uniform(xs)
    a = axis % len(xs)
    idx = integers(idx_shape, 0, xs[a])
    out = torch.index_select(x, a, idx.reshape(-1)).reshape(xs[:a] + tuple(idx_shape) + xs[a + 1 :])
    add(f"gather {fmt(xs)} axis={axis} indices {fmt(idx_shape)}", "gather", [x, idx], {"axis": axis}, out)

# --- concat and stack ---------------------------------------------------------------
for axis in (0, 1, -1):
    shapes = [[2, 3, 4], [2, 3, 4], [2, 3, 4]]
    a_ = axis % 3
    for i, s in enumerate(shapes):
        s[a_] = i + 1
    xs = [uniform(tuple(s)) for s in shapes]
    add(f"concat axis={axis}", "concat", xs, {"axis": axis}, torch.cat(xs, dim=axis))
for axis in (0, 1, -1):
    xs = [uniform((2, 3)) for _ in range(3)]
    add(f"stack axis={axis}", "stack", xs, {"axis": axis}, torch.stack(xs, dim=axis))


def write():
    OUT.parent.mkdir(parents=True, exist_ok=True)
    header = {
        "generator": "packages/tensor/scripts/torch_forward_fixtures.py",
        "torch": torch.__version__,
        "seed": SEED,
        "tolerance": "|ours - torch| <= 1e-5 * |torch| + 1e-6, float32",
    }
    lines = [json.dumps(case, separators=(",", ":"), allow_nan=False) for case in cases]
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names)), "case names must be unique"
    text = json.dumps(header, indent=2, allow_nan=False)[:-2] + ',\n  "cases": [\n    '
    text += ",\n    ".join(lines) + "\n  ]\n}\n"
    OUT.write_text(text)
    print(f"wrote {len(cases)} cases, {len(text)} bytes, to {OUT}")


write()
