#!/usr/bin/python3
"""Writes the PyTorch reference fixtures that @recurrent/optim's tests compare against.

Run from anywhere with Debian's python3-torch (1.13):

    /usr/bin/python3 packages/optim/scripts/torch_optim_fixtures.py

It writes three small JSON files to packages/optim/fixtures/:

- optimizers.json: for each optimizer and a few hyper-parameter settings, the
  parameters after each of 20 steps on a tiny linear regression
  (loss = mean((x @ w + b - y)^2)), in float64, from the same initial values.
- clip.json: clip_grad_norm_ (returned norm and clipped gradients) for several
  norm types and max norms, and clip_grad_value_.
- schedules.json: each scheduler's learning rate after construction and after
  each of 30 steps, ReduceLROnPlateau fed a fixed metric sequence; the
  momentum (SGD) or beta1 (Adam) of the schedules that cycle it; and
  ChainedScheduler over 48 steps, past cosine's minimum (>= 4 x T_max).

Options are written in recurrent's camelCase names (the ones the tests pass to
our factories) and mapped to PyTorch's keyword names here, so the mapping is
written down once and checked by the fixtures.
"""
import json
import math
import os
import warnings

import torch

warnings.filterwarnings("ignore")  # SequentialLR's step(0) warns about the epoch argument
torch.set_default_dtype(torch.float64)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures")

# recurrent name -> PyTorch keyword, for every hyper-parameter that differs.
TORCH_NAMES = {
    "weightDecay": "weight_decay",
    "lrDecay": "lr_decay",
    "initialAccumulatorValue": "initial_accumulator_value",
    "stepSize": "step_size",
    "tMax": "T_max",
    "etaMin": "eta_min",
    "startFactor": "start_factor",
    "endFactor": "end_factor",
    "totalIters": "total_iters",
    "thresholdMode": "threshold_mode",
    "minLr": "min_lr",
    "t0": "T_0",
    "tMult": "T_mult",
    "baseLr": "base_lr",
    "maxLr": "max_lr",
    "stepSizeUp": "step_size_up",
    "stepSizeDown": "step_size_down",
    "cycleMomentum": "cycle_momentum",
    "baseMomentum": "base_momentum",
    "maxMomentum": "max_momentum",
    "totalSteps": "total_steps",
    "pctStart": "pct_start",
    "annealStrategy": "anneal_strategy",
    "divFactor": "div_factor",
    "finalDivFactor": "final_div_factor",
    "threePhase": "three_phase",
}


def torch_kwargs(options):
    out = {}
    for key, value in options.items():
        out[TORCH_NAMES.get(key, key)] = tuple(value) if key == "betas" else value
    return out


# ---------------------------------------------------------------- optimizers
# Every value is a multiple of 1/16, so float32 holds it exactly and both sides start equal.
PROBLEM = {
    "x": [
        [1.0, -0.5, 0.25],
        [0.5, 0.75, -1.0],
        [-0.25, 1.0, 0.5],
        [0.75, -0.75, 0.125],
        [-1.0, 0.25, 0.75],
        [0.25, 0.5, -0.5],
    ],
    "y": [
        [0.5, -1.0],
        [1.25, 0.25],
        [-0.5, 0.75],
        [0.0, -0.25],
        [-1.0, 1.5],
        [0.75, 0.5],
    ],
    "w": [[0.5, -0.25], [0.125, 0.75], [-0.5, 0.375]],
    "b": [0.0625, -0.125],
}

OPTIMIZERS = {
    "sgd": torch.optim.SGD,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "rmsprop": torch.optim.RMSprop,
    "adagrad": torch.optim.Adagrad,
}

CASES = [
    ("sgd", {"lr": 0.1}),
    ("sgd", {"lr": 0.1, "momentum": 0.9}),
    ("sgd", {"lr": 0.05, "momentum": 0.9, "dampening": 0.1, "weightDecay": 0.01}),
    ("sgd", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weightDecay": 0.001}),
    ("sgd", {"lr": 0.01, "momentum": 0.5, "maximize": True}),
    ("adam", {}),
    ("adam", {"lr": 0.1}),
    ("adam", {"lr": 0.05, "betas": [0.8, 0.99], "eps": 1e-6, "weightDecay": 0.1}),
    ("adam", {"lr": 0.1, "amsgrad": True}),
    ("adam", {"lr": 0.01, "maximize": True}),
    ("adamw", {"lr": 0.1}),
    ("adamw", {"lr": 0.05, "weightDecay": 0.5, "amsgrad": True, "betas": [0.85, 0.95]}),
    ("rmsprop", {}),
    ("rmsprop", {"lr": 0.01, "alpha": 0.9, "centered": True}),
    ("rmsprop", {"lr": 0.01, "momentum": 0.9, "weightDecay": 0.1}),
    ("rmsprop", {"lr": 0.005, "centered": True, "momentum": 0.5, "eps": 1e-4, "maximize": True}),
    ("adagrad", {}),
    ("adagrad", {"lr": 0.1}),
    ("adagrad", {"lr": 0.1, "lrDecay": 0.01, "weightDecay": 0.1, "initialAccumulatorValue": 0.1, "eps": 1e-8}),
]

STEPS = 20


def trajectory(name, options):
    x = torch.tensor(PROBLEM["x"])
    y = torch.tensor(PROBLEM["y"])
    w = torch.tensor(PROBLEM["w"], requires_grad=True)
    b = torch.tensor(PROBLEM["b"], requires_grad=True)
    kwargs = torch_kwargs(options)
    if name != "adamw":
        kwargs["foreach"] = False  # the single-tensor code path, whose equations our comments quote
    optimizer = OPTIMIZERS[name]([w, b], **kwargs)
    steps = []
    for _ in range(STEPS):
        optimizer.zero_grad()
        loss = ((x @ w + b - y) ** 2).mean()
        loss.backward()
        optimizer.step()
        steps.append({"w": w.detach().tolist(), "b": b.detach().tolist()})
    return steps


def optimizer_fixtures():
    cases = []
    for name, options in CASES:
        cases.append({"optimizer": name, "options": options, "steps": trajectory(name, options)})
    return {"torch": torch.__version__, "problem": PROBLEM, "steps": STEPS, "cases": cases}


# ---------------------------------------------------------------- clipping
GRADS = [
    [[0.3, -1.7], [2.2, 0.05], [-0.9, 1.1]],
    [0.4, -0.6],
    [1.5, -2.5, 0.75, 0.0],
]


def clip_fixtures():
    norm_cases = []
    for norm_type in [2.0, 1.0, math.inf, 3.0, 0.5]:
        for max_norm in [0.5, 2.0, 100.0]:
            params = [torch.zeros(torch.tensor(g).shape, requires_grad=True) for g in GRADS]
            for p, g in zip(params, GRADS):
                p.grad = torch.tensor(g)
            total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
            norm_cases.append({
                "normType": "Infinity" if math.isinf(norm_type) else norm_type,
                "maxNorm": max_norm,
                "totalNorm": total.item(),
                "grads": [p.grad.tolist() for p in params],
            })
    value_cases = []
    for clip_value in [0.5, 1.0, 3.0]:
        params = [torch.zeros(torch.tensor(g).shape, requires_grad=True) for g in GRADS]
        for p, g in zip(params, GRADS):
            p.grad = torch.tensor(g)
        torch.nn.utils.clip_grad_value_(params, clip_value)
        value_cases.append({"clipValue": clip_value, "grads": [p.grad.tolist() for p in params]})
    return {"torch": torch.__version__, "grads": GRADS, "norm": norm_cases, "value": value_cases}


# ---------------------------------------------------------------- schedules
S = torch.optim.lr_scheduler
BASE_LR = 0.1
EPOCHS = 30
METRICS = [
    1.0, 0.9, 0.85, 0.86, 0.84, 0.849, 0.8401, 0.83, 0.9, 0.95,
    0.81, 0.80, 0.80, 0.7999, 0.81, 0.82, 0.83, 0.70, 0.71, 0.72,
    0.73, 0.74, 0.69, 0.69, 0.695, 0.70, 0.68, 0.681, 0.682, 0.683,
]


def make_optimizer(kind="sgd"):
    if kind == "adam":
        return torch.optim.Adam([torch.zeros(1, requires_grad=True)], lr=BASE_LR)
    return torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=BASE_LR)


# The functions of LambdaLR, by name: the tests define the same ones.
LAMBDAS = {
    "warmup-then-decay": lambda epoch: min(1.0, (epoch + 1) / 5) * 0.9 ** max(0, epoch - 4),
}


def simple(cls, name, options):
    def build(optimizer):
        if cls is S.MultiplicativeLR:
            factor = options["factor"]
            return cls(optimizer, lr_lambda=lambda epoch: factor)
        if cls is S.LambdaLR:
            return cls(optimizer, lr_lambda=LAMBDAS[options["fn"]])
        return cls(optimizer, **torch_kwargs(options))

    return {"schedule": name, "options": options}, build


def sequential_case(parts, milestones):
    def build(optimizer):
        built = [simple(*p)[1](optimizer) for p in parts]
        return S.SequentialLR(optimizer, built, milestones=milestones)

    spec = {"schedule": "sequential", "schedules": [simple(*p)[0] for p in parts], "milestones": milestones}
    return spec, build


def chained_case(parts):
    def build(optimizer):
        return S.ChainedScheduler([simple(*p)[1](optimizer) for p in parts])

    return {"schedule": "chained", "schedules": [simple(*p)[0] for p in parts]}, build


SCHEDULE_CASES = [
    simple(S.StepLR, "step", {"stepSize": 7, "gamma": 0.5}),
    simple(S.StepLR, "step", {"stepSize": 3}),
    simple(S.MultiStepLR, "multi-step", {"milestones": [5, 12, 12, 20], "gamma": 0.3}),
    simple(S.ExponentialLR, "exponential", {"gamma": 0.9}),
    simple(S.CosineAnnealingLR, "cosine-annealing", {"tMax": 30}),
    simple(S.CosineAnnealingLR, "cosine-annealing", {"tMax": 10, "etaMin": 0.001}),
    simple(S.LinearLR, "linear", {}),
    simple(S.LinearLR, "linear", {"startFactor": 0.25, "endFactor": 1.0, "totalIters": 8}),
    simple(S.LinearLR, "linear", {"startFactor": 1.0, "endFactor": 0.1, "totalIters": 10}),
    sequential_case(
        [
            (S.LinearLR, "linear", {"startFactor": 0.1, "totalIters": 5}),
            (S.CosineAnnealingLR, "cosine-annealing", {"tMax": 25, "etaMin": 0.0}),
        ],
        [5],
    ),
    sequential_case(
        [
            (S.LinearLR, "linear", {"startFactor": 0.2, "totalIters": 4}),
            (S.StepLR, "step", {"stepSize": 5, "gamma": 0.5}),
            (S.ExponentialLR, "exponential", {"gamma": 0.8}),
        ],
        [4, 20],
    ),
    chained_case(
        [
            (S.LinearLR, "linear", {"startFactor": 0.5, "totalIters": 6}),
            (S.ExponentialLR, "exponential", {"gamma": 0.95}),
        ]
    ),
]

# The new schedules, alone (`optimizer` picks whose momentum a cycling schedule drives).
NEW_CASES = [
    (simple(S.ConstantLR, "constant", {}), "sgd"),
    (simple(S.ConstantLR, "constant", {"factor": 0.5, "totalIters": 4}), "sgd"),
    (simple(S.PolynomialLR, "polynomial", {}), "sgd"),
    (simple(S.PolynomialLR, "polynomial", {"totalIters": 20, "power": 2.0}), "sgd"),
    (simple(S.MultiplicativeLR, "multiplicative", {"factor": 0.9}), "sgd"),
    (simple(S.LambdaLR, "lambda", {"fn": "warmup-then-decay"}), "sgd"),
    (simple(S.CosineAnnealingWarmRestarts, "cosine-warm-restarts", {"t0": 5}), "sgd"),
    (simple(S.CosineAnnealingWarmRestarts, "cosine-warm-restarts", {"t0": 3, "tMult": 2, "etaMin": 0.001}), "sgd"),
    (simple(S.CyclicLR, "cyclic", {"baseLr": 0.01, "maxLr": 0.1, "stepSizeUp": 4}), "sgd"),
    (simple(S.CyclicLR, "cyclic", {"baseLr": 0.01, "maxLr": 0.1, "stepSizeUp": 3, "stepSizeDown": 5, "mode": "triangular2"}), "sgd"),
    (simple(S.CyclicLR, "cyclic", {"baseLr": 0.001, "maxLr": 0.05, "stepSizeUp": 5, "mode": "exp_range", "gamma": 0.97, "baseMomentum": 0.7, "maxMomentum": 0.95}), "sgd"),
    (simple(S.CyclicLR, "cyclic", {"baseLr": 0.01, "maxLr": 0.1, "stepSizeUp": 4, "cycleMomentum": False}), "adam"),
    (simple(S.OneCycleLR, "one-cycle", {"maxLr": 0.1, "totalSteps": 30}), "sgd"),
    (simple(S.OneCycleLR, "one-cycle", {"maxLr": 0.05, "totalSteps": 31, "pctStart": 0.25, "annealStrategy": "linear", "divFactor": 10.0, "finalDivFactor": 100.0}), "adam"),
    (simple(S.OneCycleLR, "one-cycle", {"maxLr": 0.2, "totalSteps": 40, "threePhase": True, "baseMomentum": 0.8, "maxMomentum": 0.9}), "adam"),
    (simple(S.OneCycleLR, "one-cycle", {"maxLr": 0.1, "totalSteps": 30, "cycleMomentum": False}), "sgd"),
]

# ChainedScheduler past cosine's minimum: at least 4 × tMax epochs for every member kind.
CHAINED_EPOCHS = 48
CHAINED_CASES = [
    chained_case([(S.ExponentialLR, "exponential", {"gamma": 0.865}), (S.CosineAnnealingLR, "cosine-annealing", {"tMax": 6})]),
    chained_case([(S.CosineAnnealingLR, "cosine-annealing", {"tMax": 5, "etaMin": 0.01}), (S.ExponentialLR, "exponential", {"gamma": 0.9})]),
    chained_case([(S.LinearLR, "linear", {"startFactor": 0.25, "totalIters": 8}), (S.CosineAnnealingLR, "cosine-annealing", {"tMax": 7})]),
    chained_case([(S.StepLR, "step", {"stepSize": 5, "gamma": 0.5}), (S.CosineAnnealingLR, "cosine-annealing", {"tMax": 6, "etaMin": 0.002}), (S.ConstantLR, "constant", {"factor": 0.5, "totalIters": 9})]),
    chained_case([(S.CosineAnnealingLR, "cosine-annealing", {"tMax": 4}), (S.PolynomialLR, "polynomial", {"totalIters": 40, "power": 2.0})]),
    chained_case([(S.MultiStepLR, "multi-step", {"milestones": [3, 10, 10, 25], "gamma": 0.5}), (S.CosineAnnealingLR, "cosine-annealing", {"tMax": 6})]),
    chained_case([(S.MultiplicativeLR, "multiplicative", {"factor": 0.97}), (S.CosineAnnealingLR, "cosine-annealing", {"tMax": 8})]),
    chained_case([(S.CosineAnnealingLR, "cosine-annealing", {"tMax": 3, "etaMin": 0.001}), (S.CosineAnnealingLR, "cosine-annealing", {"tMax": 5})]),
    chained_case([(S.ExponentialLR, "exponential", {"gamma": 0.95}), (S.CosineAnnealingWarmRestarts, "cosine-warm-restarts", {"t0": 5, "tMult": 2})]),
    chained_case([(S.CosineAnnealingWarmRestarts, "cosine-warm-restarts", {"t0": 5}), (S.ExponentialLR, "exponential", {"gamma": 0.95})]),
    chained_case([(S.LambdaLR, "lambda", {"fn": "warmup-then-decay"}), (S.StepLR, "step", {"stepSize": 4, "gamma": 0.8})]),
    chained_case([(S.CyclicLR, "cyclic", {"baseLr": 0.01, "maxLr": 0.1, "stepSizeUp": 4, "cycleMomentum": False}), (S.ExponentialLR, "exponential", {"gamma": 0.97})]),
    chained_case([(S.ExponentialLR, "exponential", {"gamma": 0.97}), (S.OneCycleLR, "one-cycle", {"maxLr": 0.1, "totalSteps": 48, "cycleMomentum": False})]),
]

PLATEAU_CASES = [
    {"mode": "min", "factor": 0.5, "patience": 2, "threshold": 0.01, "cooldown": 1, "minLr": 0.01},
    {"mode": "min", "thresholdMode": "abs", "factor": 0.2, "patience": 1, "threshold": 0.005},
    {"mode": "max", "factor": 0.5, "patience": 0, "cooldown": 2},
    {"mode": "max", "thresholdMode": "abs", "patience": 3, "threshold": 0.0, "minLr": 0.002},
    {"factor": 0.5, "patience": 1, "minLr": 0.0999, "eps": 1e-8},
    # a reduction of 5e-10 is below eps, so the rate never moves
    {"factor": 0.5, "patience": 1, "minLr": 0.0999999995},
]


def schedule_fixtures():
    cases = []
    for spec, build in SCHEDULE_CASES:
        optimizer = make_optimizer()
        scheduler = build(optimizer)
        lrs = [optimizer.param_groups[0]["lr"]]
        for _ in range(EPOCHS):
            optimizer.step()
            scheduler.step()
            lrs.append(optimizer.param_groups[0]["lr"])
        cases.append({**spec, "baseLr": BASE_LR, "lrs": lrs})
    for (spec, build), kind in NEW_CASES:
        optimizer = make_optimizer(kind)
        scheduler = build(optimizer)
        group = optimizer.param_groups[0]
        momentum = (lambda: group["betas"][0]) if kind == "adam" else (lambda: group["momentum"])
        lrs, momenta = [group["lr"]], [momentum()]
        for _ in range(EPOCHS):
            optimizer.step()
            scheduler.step()
            lrs.append(group["lr"])
            momenta.append(momentum())
        entry = {**spec, "baseLr": BASE_LR, "optimizer": kind, "lrs": lrs}
        if spec["options"].get("cycleMomentum", True) and spec["schedule"] in ("cyclic", "one-cycle"):
            entry["momenta"] = momenta
        cases.append(entry)
    for spec, build in CHAINED_CASES:
        optimizer = make_optimizer()
        scheduler = build(optimizer)
        lrs = [optimizer.param_groups[0]["lr"]]
        for _ in range(CHAINED_EPOCHS):
            optimizer.step()
            scheduler.step()
            lrs.append(optimizer.param_groups[0]["lr"])
        cases.append({**spec, "baseLr": BASE_LR, "lrs": lrs})
    for options in PLATEAU_CASES:
        optimizer = make_optimizer()
        scheduler = S.ReduceLROnPlateau(optimizer, **torch_kwargs(options))
        lrs = [optimizer.param_groups[0]["lr"]]
        for metric in METRICS:
            optimizer.step()
            scheduler.step(metric)
            lrs.append(optimizer.param_groups[0]["lr"])
        cases.append({"schedule": "reduce-on-plateau", "options": options, "baseLr": BASE_LR,
                      "metrics": METRICS, "lrs": lrs})
    return {"torch": torch.__version__, "epochs": EPOCHS, "cases": cases}


def write(name, data):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump(data, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", os.path.relpath(path))


if __name__ == "__main__":
    write("optimizers.json", optimizer_fixtures())
    write("clip.json", clip_fixtures())
    write("schedules.json", schedule_fixtures())
