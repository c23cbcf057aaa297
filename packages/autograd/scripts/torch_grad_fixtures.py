"""PyTorch gradient fixtures for @recurrent/autograd.

Writes packages/autograd/fixtures/torch-grads.json: for every differentiable
op of @recurrent/tensor (and a few compositions: a two-layer MLP with softmax
cross-entropy, hand-unrolled tanh RNN steps), small cases with

- inputs: shape, dtype and flat row-major data drawn from a seeded torch
  generator, away from the kinks and ties where a derivative jumps; an input
  may carry "view": {"permute": [...]}, meaning the op receives
  permute(input, axes) (a non-contiguous view of the stored leaf);
- attrs: the op's attributes in @recurrent/tensor's API terms;
- outputs: PyTorch's results (a list: split has several);
- cotangents: one fixed random tensor per output;
- grads: for each input, the gradient of Σᵢ (outputᵢ · cotangentᵢ).sum() with
  respect to the stored leaf, from torch.autograd.grad (null for inputs that
  have none: indices, where's condition).

src/torch-parity.test.ts replays every case on every backend.

Run with Debian's torch:  /usr/bin/python3 packages/autograd/scripts/torch_grad_fixtures.py
The output is deterministic: same torch build, same file, byte for byte.

Encoding as in packages/tensor/scripts/torch_forward_fixtures.py: float
values are written as the shortest decimal that reads back as the same
float32 (every float64 value here is a widened float32: cast's output and its
cotangent); int64 indices as int32.
"""

import json
import math
import pathlib

import numpy as np
import torch
import torch.nn.functional as F

SEED = 20240611
OUT = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "torch-grads.json"

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


def away(x, kinks, margin=0.1):
    """Push values within `margin` of a kink `margin` further out, on the same side."""
    for k in kinks:
        d = x - k
        x = torch.where(d.abs() < margin, x + torch.where(d < 0, -margin, margin), x)
    return x


def signed(shape, low, high):
    """Magnitudes in [low, high) with random signs: away from zero."""
    return uniform(shape, low, high) * torch.where(uniform(shape) > 0, 1.0, -1.0)


def distinct(x):
    flat = x.reshape(-1).tolist()
    assert len(set(flat)) == len(flat), "values must be distinct (no ties)"
    return x


def number(v):
    v = float(v)
    assert math.isfinite(v), v
    # str() of a numpy float32 is the shortest decimal that round-trips in float32.
    return float(str(np.float32(v)))


def encode(t):
    if t.dtype in (torch.int64, torch.int32):
        return {"shape": list(t.shape), "dtype": "int32", "data": [int(v) for v in t.reshape(-1).tolist()]}
    if t.dtype == torch.float64:
        assert torch.equal(t, t.float().double()), "float64 values must be widened float32"
        dtype = "float64"
    else:
        assert t.dtype == torch.float32, t.dtype
        dtype = "float32"
    flat = t.detach().contiguous().reshape(-1).tolist()
    return {"shape": list(t.shape), "dtype": dtype, "data": [number(v) for v in flat]}


def add(name, op, inputs, attrs, fn, views=None, no_grad=()):
    """Record a case: fn maps the (viewed) inputs to an output or a list of outputs.

    `views[i]`, when given, is a permutation: the op sees inputs[i].permute(views[i]).
    `no_grad` lists float inputs that have no gradient (where's condition).
    """
    views = views or [None] * len(inputs)
    leaves = []
    for i, x in enumerate(inputs):
        x = x.detach().clone()
        if x.is_floating_point() and i not in no_grad:
            x.requires_grad_(True)
        leaves.append(x)
    seen = [x.permute(*v) if v is not None else x for x, v in zip(leaves, views)]
    result = fn(*seen)
    outputs = list(result) if isinstance(result, (list, tuple)) else [result]
    cotangents = [normal(o.shape).to(o.dtype) for o in outputs]
    loss = sum((o * c).sum() for o, c in zip(outputs, cotangents))
    wanted = [x for x in leaves if x.requires_grad]
    found = torch.autograd.grad(loss, wanted, allow_unused=True)
    by_leaf = {id(x): g for x, g in zip(wanted, found)}
    grads = []
    for x in leaves:
        if not x.requires_grad:
            grads.append(None)
            continue
        g = by_leaf[id(x)]
        grads.append(encode(torch.zeros_like(x) if g is None else g))
    encoded_inputs = []
    for x, v in zip(leaves, views):
        e = encode(x)
        if v is not None:
            e["view"] = {"permute": list(v)}
        encoded_inputs.append(e)
    cases.append(
        {
            "name": name,
            "op": op,
            "attrs": attrs,
            "inputs": encoded_inputs,
            "outputs": [encode(o) for o in outputs],
            "cotangents": [encode(c) for c in cotangents],
            "grads": grads,
        }
    )


def fmt(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


def inverse(perm):
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return inv


def stored(x, perm):
    """The leaf that, viewed through `perm`, is x (contiguous in its own layout)."""
    return x.permute(*inverse(perm)).contiguous()


# --- views and copies --------------------------------------------------------------
x = uniform((2, 3, 4))
add("reshape [2,3,4] to [6,4]", "reshape", [x], {"shape": [6, 4]}, lambda x: x.reshape(6, 4))
x = uniform((2, 3, 4))
add("reshape [2,3,4] to [4,-1]", "reshape", [x], {"shape": [4, -1]}, lambda x: x.reshape(4, -1))
x = uniform((3, 4))
add(
    "reshape of a transposed view",
    "reshape",
    [stored(x, [1, 0])],
    {"shape": [2, 6]},
    lambda x: x.reshape(2, 6),
    views=[[1, 0]],
)
x = uniform((2, 3, 4))
add("permute [2,0,1]", "permute", [x], {"axes": [2, 0, 1]}, lambda x: x.permute(2, 0, 1))
x = uniform((2, 3, 4))
add("permute [1,-1,0]", "permute", [x], {"axes": [1, -1, 0]}, lambda x: x.permute(1, 2, 0))
x = uniform((2, 3, 4))
add("transpose last two", "transpose", [x], {"axis0": -2, "axis1": -1}, lambda x: x.transpose(-2, -1))
x = uniform((2, 3, 4))
add("transpose 0 and 2", "transpose", [x], {"axis0": 0, "axis1": 2}, lambda x: x.transpose(0, 2))
x = uniform((4, 5))
add("slice [1,0]:[3,-1]", "slice", [x], {"begin": [1, 0], "end": [3, -1]}, lambda x: x[1:3, 0:-1])
x = uniform((2, 3, 4))
add(
    "slice [0,1,1]:[2,3,3]",
    "slice",
    [x],
    {"begin": [0, 1, 1], "end": [2, 3, 3]},
    lambda x: x[0:2, 1:3, 1:3],
)
x = uniform((5, 3))
add("slice [-3]:open", "slice", [x], {"begin": [-3], "end": None}, lambda x: x[-3:])
x = uniform((3, 1))
add("expand [3,1] to [2,3,4]", "expand", [x], {"shape": [2, 3, 4]}, lambda x: x.expand(2, 3, 4))
x = uniform((1, 4))
add("expand [1,4] to [3,-1]", "expand", [x], {"shape": [3, -1]}, lambda x: x.expand(3, -1))
x = uniform((2, 1, 3, 1))
add("squeeze all", "squeeze", [x], {"axes": None}, lambda x: x.squeeze())
x = uniform((2, 1, 3, 1))
add("squeeze [1]", "squeeze", [x], {"axes": [1]}, lambda x: x.squeeze(1))
x = uniform((2, 3))
add("unsqueeze -1", "unsqueeze", [x], {"axis": -1}, lambda x: x.unsqueeze(-1))
x = uniform((2, 3, 4))
add("flatten 1..2", "flatten", [x], {"start": 1, "end": 2}, lambda x: x.flatten(1, 2))
x = uniform((2, 3))
add("pad [1,0] [0,2]", "pad", [x], {"before": [1, 0], "after": [0, 2]}, lambda x: F.pad(x, (0, 2, 1, 0)))
x = uniform((2, 3, 2))
add(
    "pad [0,1,1] [1,0,2]",
    "pad",
    [x],
    {"before": [0, 1, 1], "after": [1, 0, 2]},
    lambda x: F.pad(x, (1, 2, 1, 0, 0, 1)),
)
x = uniform((3, 4))
add("contiguous of [1,0]", "contiguous", [stored(x, [1, 0])], {}, lambda x: x.contiguous(), views=[[1, 0]])
x = uniform((2, 3, 4))
add(
    "contiguous of [2,0,1]",
    "contiguous",
    [stored(x, [2, 0, 1])],
    {},
    lambda x: x.contiguous(),
    views=[[2, 0, 1]],
)
x = uniform((3, 4))
add("cast to float64", "cast", [x], {"dtype": "float64"}, lambda x: x.double())

# --- unary -----------------------------------------------------------------
unary = {
    "neg": (torch.neg, None, ()),
    "abs": (torch.abs, None, (0.0,)),
    "sign": (torch.sign, None, (0.0,)),
    "exp": (torch.exp, None, ()),
    "log": (torch.log, (0.05, 4.0), ()),
    "sqrt": (torch.sqrt, (0.05, 4.0), ()),
    "rsqrt": (torch.rsqrt, (0.05, 4.0), ()),
    "square": (torch.square, None, ()),
    "reciprocal": (torch.reciprocal, (0.25, 3.0), ()),
    "tanh": (torch.tanh, None, ()),
    "sigmoid": (torch.sigmoid, None, ()),
    "relu": (torch.relu, None, (0.0,)),
    "sin": (torch.sin, None, ()),
    "cos": (torch.cos, None, ()),
    "floor": (torch.floor, None, (-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0)),
    "ceil": (torch.ceil, None, (-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0)),
    "round": (torch.round, None, (-2.5, -1.5, -0.5, 0.5, 1.5, 2.5)),
}
for name, (f, domain, kinks) in unary.items():
    low, high = domain if domain else (-3.0, 3.0)
    x = away(uniform((3, 4), low, high), kinks)
    add(f"{name} [3,4]", name, [x], {}, f)
x = uniform((4, 3))
add("tanh of a transposed view", "tanh", [stored(x, [1, 0])], {}, torch.tanh, views=[[1, 0]])

# --- binary, with broadcasting ---------------------------------------------------
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
            b = signed(sb, 0.5, 2.0)
        else:
            a = uniform(sa)
            b = uniform(sb)
        # Ties split maximum's and minimum's gradient: redraw until no broadcast pair is close.
        while name in ("maximum", "minimum") and (a - b).abs().min().item() < 0.02:
            a = uniform(sa)
            b = uniform(sb)
        add(f"{name} {fmt(sa)} {fmt(sb)}", name, [a, b], {}, f)
a, b = uniform((4, 3)), uniform((4, 3))
add("add of a transposed view", "add", [stored(a, [1, 0]), b], {}, torch.add, views=[[1, 0], None])

# --- where and clip --------------------------------------------------------------
for sc, sa, sb in [((3, 4), (3, 4), (3, 4)), ((3, 1), (4,), (3, 4)), ((2, 3), (), (2, 1))]:
    condition = integers(sc, 0, 2).to(torch.float32)
    a = uniform(sa)
    b = uniform(sb)
    add(
        f"where {fmt(sc)} {fmt(sa)} {fmt(sb)}",
        "where",
        [condition, a, b],
        {},
        lambda c, a, b: torch.where(c != 0, a, b),
        no_grad=(0,),
    )
for low, high in [(-0.5, 0.5), (0.0, 1.0), (-3.0, -1.0)]:
    x = away(uniform((3, 4)), (low, high))
    add(
        f"clip [{low}, {high}]",
        "clip",
        [x],
        {"min": low, "max": high},
        lambda x, low=low, high=high: torch.clamp(x, low, high),
    )


# --- reductions --------------------------------------------------------------------
def dims(axes, rank):
    return tuple(range(rank)) if axes is None else tuple(axes)


def prod_over(x, d, keep):
    # torch.prod takes one dim at a time; highest first keeps the others' indices valid.
    for axis in sorted((a % x.dim() for a in d), reverse=True):
        x = torch.prod(x, dim=axis, keepdim=keep)
    return x


shape = (2, 3, 4)
for axes, keep in [(None, False), (None, True), ([1], True), ([-1], False), ([0, 2], False), ([2, 0], True)]:
    attrs = {"axes": axes, "keepDims": keep}
    d = dims(axes, len(shape))
    tag = f"{'all' if axes is None else axes} keep={keep}"
    add(f"sum {tag}", "sum", [uniform(shape)], attrs, lambda x: torch.sum(x, dim=d, keepdim=keep))
    add(f"mean {tag}", "mean", [uniform(shape)], attrs, lambda x: torch.mean(x, dim=d, keepdim=keep))
    add(f"max {tag}", "max", [distinct(uniform(shape))], attrs, lambda x: torch.amax(x, dim=d, keepdim=keep))
    add(f"min {tag}", "min", [distinct(uniform(shape))], attrs, lambda x: torch.amin(x, dim=d, keepdim=keep))
    add(
        f"logsumexp {tag}",
        "logsumexp",
        [uniform(shape, -3.0, 3.0)],
        attrs,
        lambda x: torch.logsumexp(x, dim=d, keepdim=keep),
    )
    add(f"prod {tag}", "prod", [signed(shape, 0.5, 1.5)], attrs, lambda x: prod_over(x, d, keep))
    for p in (2, 1, "Infinity", 3):
        ord_ = math.inf if p == "Infinity" else p
        x = away(uniform(shape), (0.0,))
        if p == "Infinity":
            distinct(x.abs())
        add(
            f"norm p={p} {tag}",
            "norm",
            [x],
            {"p": p, **attrs},
            lambda x, ord_=ord_: torch.linalg.vector_norm(x, ord=ord_, dim=d, keepdim=keep),
        )
x = uniform((3, 4))
add(
    "sum of a transposed view",
    "sum",
    [stored(x, [1, 0])],
    {"axes": [0], "keepDims": True},
    lambda x: torch.sum(x, dim=0, keepdim=True),
    views=[[1, 0]],
)

# --- matMul ------------------------------------------------------------------------
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
            add(
                f"matMul {fmt(a.shape)} {fmt(b.shape)} ta={ta} tb={tb}",
                "matMul",
                [a, b],
                {"transposeA": ta, "transposeB": tb},
                lambda a, b, ta=ta, tb=tb: torch.matmul(
                    a.transpose(-1, -2) if ta else a, b.transpose(-1, -2) if tb else b
                ),
            )
a, b = uniform((2, 3, 4)), uniform((4, 5))
add(
    "matMul of a permuted batch [3,2,4]",
    "matMul",
    [stored(a, [1, 0, 2]), b],
    {"transposeA": False, "transposeB": False},
    torch.matmul,
    views=[[1, 0, 2], None],
)

# --- softmax and logSoftmax -----------------------------------------------------------
for axis in (-1, 0, 1):
    add(
        f"softmax axis={axis}",
        "softmax",
        [normal((2, 3, 4), 2.0)],
        {"axis": axis},
        lambda x: torch.softmax(x, dim=axis),
    )
    add(
        f"logSoftmax axis={axis}",
        "logSoftmax",
        [normal((2, 3, 4), 2.0)],
        {"axis": axis},
        lambda x: torch.log_softmax(x, dim=axis),
    )


# --- gather / indexSelect and scatterAdd ----------------------------------------------
def take(x, idx, axis):
    a = axis % x.dim()
    return torch.index_select(x, a, idx.reshape(-1)).reshape(x.shape[:a] + idx.shape + x.shape[a + 1 :])


for xs, axis, idx_shape in [((5, 3), 0, (2, 4)), ((3, 4, 2), 1, (3,)), ((3, 4), -1, (2, 2)), ((4,), 0, ())]:
    x = uniform(xs)
    idx = integers(idx_shape, 0, xs[axis % len(xs)])
    add(
        f"gather {fmt(xs)} axis={axis} indices {fmt(idx_shape)}",
        "gather",
        [x, idx],
        {"axis": axis},
        lambda x, i, axis=axis: take(x, i, axis),
    )
x = uniform((6, 4))
idx = torch.tensor([5, 0, 5, 2, 0], dtype=torch.int64)  # embedding lookup with repeated rows
add("indexSelect rows with repeats", "indexSelect", [x, idx], {"axis": 0}, lambda x, i: take(x, i, 0))


def scatter_add(updates, idx, axis, shape):
    a = axis % len(shape)
    source = updates.reshape(tuple(shape[:a]) + (-1,) + tuple(shape[a + 1 :]))
    return torch.zeros(shape, dtype=updates.dtype).index_add(a, idx.reshape(-1), source)


for shape, axis, idx in [
    ((4, 3), 0, torch.tensor([3, 1, 3, 0, 3])),
    ((2, 4), 1, torch.tensor([[1, 1], [3, 0]])),
    ((2, 3, 2), -2, torch.tensor([2, 0])),
]:
    a = axis % len(shape)
    updates = uniform(shape[:a] + tuple(idx.shape) + shape[a + 1 :])
    add(
        f"scatterAdd into {fmt(shape)} axis={axis} indices {fmt(idx.shape)}",
        "scatterAdd",
        [updates, idx],
        {"axis": axis, "shape": list(shape)},
        lambda u, i, axis=axis, shape=shape: scatter_add(u, i, axis, shape),
    )

# --- concat, stack, split -------------------------------------------------------------
for axis in (0, 1, -1):
    shapes = [[2, 3, 2], [2, 3, 2], [2, 3, 2]]
    for i, s in enumerate(shapes):
        s[axis % 3] = i + 1
    add(
        f"concat axis={axis}",
        "concat",
        [uniform(tuple(s)) for s in shapes],
        {"axis": axis},
        lambda *xs, axis=axis: torch.cat(xs, dim=axis),
    )
for axis in (0, 1, -1):
    add(
        f"stack axis={axis}",
        "stack",
        [uniform((2, 3)) for _ in range(3)],
        {"axis": axis},
        lambda *xs, axis=axis: torch.stack(xs, dim=axis),
    )
for xs, parts, axis in [((2, 3, 2), [1, 2], 1), ((4, 3), 2, 0), ((2, 6), 3, -1)]:
    extent = xs[axis % len(xs)]
    sizes = parts if isinstance(parts, list) else [extent // parts] * parts
    add(
        f"split {fmt(xs)} into {parts} axis={axis}",
        "split",
        [uniform(xs)],
        {"sizesOrCount": parts, "axis": axis},
        lambda x, sizes=sizes, axis=axis: list(torch.split(x, sizes, dim=axis)),
    )

# --- compositions -----------------------------------------------------------------------


def mlp(x, w1, b1, w2, b2, targets):
    # Linear-tanh-Linear with matmul/add, then softmax cross-entropy as
    # -(logSoftmax gathered at the targets).mean().
    h = torch.tanh(torch.matmul(x, w1.t()) + b1)
    logits = torch.matmul(h, w2.t()) + b2
    logp = torch.log_softmax(logits, dim=-1)
    return -(logp.gather(1, targets.unsqueeze(1))).mean()


for batch, features, hidden, classes in [(6, 5, 8, 4)]:
    bound1, bound2 = 1 / math.sqrt(features), 1 / math.sqrt(hidden)
    add(
        f"mlp {batch}x{features} -> {hidden} -> {classes}, softmax cross-entropy",
        "mlp",
        [
            normal((batch, features)),
            uniform((hidden, features), -bound1, bound1),
            uniform((hidden,), -bound1, bound1),
            uniform((classes, hidden), -bound2, bound2),
            uniform((classes,), -bound2, bound2),
            integers((batch,), 0, classes),
        ],
        {},
        mlp,
    )


def rnn(xs, h0, w_ih, b_ih, w_hh, b_hh):
    # h_t = tanh(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh), unrolled by hand;
    # the output is every h_t, so the loss Σ h_t · cotangent_t reaches all of them.
    h, hs = h0, []
    for t in range(xs.shape[0]):
        h = torch.tanh(torch.matmul(xs[t], w_ih.t()) + b_ih + torch.matmul(h, w_hh.t()) + b_hh)
        hs.append(h)
    return torch.stack(hs, dim=0)


for steps, batch, features, hidden in [(3, 2, 4, 5), (5, 3, 5, 6)]:
    bound = 1 / math.sqrt(hidden)
    add(
        f"rnn tanh {steps} steps, batch {batch}, {features} -> {hidden}",
        "rnn",
        [
            normal((steps, batch, features)),
            normal((batch, hidden), 0.5),
            uniform((hidden, features), -bound, bound),
            uniform((hidden,), -bound, bound),
            uniform((hidden, hidden), -bound, bound),
            uniform((hidden,), -bound, bound),
        ],
        {},
        rnn,
    )


def write():
    OUT.parent.mkdir(parents=True, exist_ok=True)
    header = {
        "generator": "packages/autograd/scripts/torch_grad_fixtures.py",
        "torch": torch.__version__,
        "seed": SEED,
        "loss": "sum over outputs of (output * cotangent).sum(); grads are d loss / d input",
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
