#!/usr/bin/python3
"""PyTorch (CPU, one thread) reference for recurrent's benchmarks.

Prints JSON lines only on stdout (one object per line); diagnostics go to stderr.

Run it through the harness (bench/harness.mjs, or `node bench/refs/run-ref.mjs torch`), which
sets OPENBLAS_CORETYPE=SkylakeX and puts Debian's openblas-openmp directory first on
LD_LIBRARY_PATH. Run by hand, set both yourself (see bench/README.md); the `env` line says which
BLAS this process actually mapped and warns when it is not OpenBLAS.

    /usr/bin/python3 bench/refs/torch_bench.py [--bench gemm,w2,w3,mem,w4] [--cell rnn,lstm,gru]
        [--warmup N] [--steps N] [--tokens N] [--gemm-sizes 64,128,...] [--no-rnn-shapes]

`mem` (peak RSS of a process that only runs the w2 LSTM step) always runs in a process of its
own: asked for together with other workloads, this script re-runs itself with `--bench mem`.
"""

import argparse
import ctypes
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time

T_START = time.perf_counter()


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def rss_mb(field):
    """VmHWM (peak) or VmRSS (current) of this process in MiB, from /proc/self/status."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def rnd(x, digits=4):
    """Round to `digits` significant digits (keeps JSON short)."""
    if x == 0 or x != x:
        return x
    from math import floor, log10

    return round(x, -int(floor(log10(abs(x)))) + digits - 1)


# ---------------------------------------------------------------------------------------------
# Which BLAS did this process map?
# ---------------------------------------------------------------------------------------------
def blas_info():
    maps = set()
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and re.search(r"blas|lapack|mkl", parts[-1]):
                maps.add(parts[-1])
    maps = sorted(maps)
    # torch (BLAS_INFO=generic on Debian) calls sgemm_ from the library that satisfies its
    # NEEDED libblas.so.3, so that is the one that matters. libopenblas.so.0 may be mapped too
    # (liblapack.so.3 pulls it in) even when sgemm_ comes from the slow reference BLAS: seeing
    # "openblas" somewhere in the maps proves nothing.
    libblas = next((p for p in maps if os.path.basename(p).startswith("libblas.so")), None)
    libblas_real = os.path.realpath(libblas) if libblas else None
    info = {
        "blas": libblas_real or "none",
        "blas_kind": "unknown",
        "mapped": maps,
    }
    if libblas_real:
        d = os.path.dirname(libblas_real)
        if "openblas" in d:
            info["blas_kind"] = "openblas-" + ("openmp" if "openmp" in d else "pthread" if "pthread" in d else "serial")
        elif d.endswith("/blas"):
            info["blas_kind"] = "reference"
    ob = next((p for p in maps if os.path.basename(p).startswith("libopenblas")), None)
    if ob and info["blas_kind"].startswith("openblas"):
        try:
            lib = ctypes.CDLL(ob)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            info["openblas_core"] = lib.openblas_get_corename().decode()
            info["openblas_config"] = lib.openblas_get_config().decode()
        except (OSError, AttributeError) as e:  # pragma: no cover - diagnostic only
            info["openblas_core"] = "unknown (%s)" % e
    return info


# ---------------------------------------------------------------------------------------------
# Timing helper: warm-up calls, then the median of `samples` samples, each of `reps` calls
# (reps chosen so one sample lasts at least `min_sample_s`).
# ---------------------------------------------------------------------------------------------
def time_median(fn, samples=7, min_sample_s=0.02, max_total_s=1.5):
    fn()
    t0 = time.perf_counter()
    fn()
    one = max(time.perf_counter() - t0, 1e-7)
    reps = max(1, int(min_sample_s / one))
    samples = max(3, min(samples, int(max_total_s / (one * reps))))
    ts = []
    for _ in range(samples):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        ts.append((time.perf_counter() - t0) / reps)
    return statistics.median(ts)


# ---------------------------------------------------------------------------------------------
# W1 GEMM
# ---------------------------------------------------------------------------------------------
def gemm_shapes(sizes, rnn_shapes):
    shapes = [(n, n, n, False, False) for n in sizes]
    if rnn_shapes:
        shapes += [
            (32, 256, 1024, False, False),  # forward: x[32,256] . W[256,1024]
            (32, 1024, 256, False, True),  # grad of input: dY[32,1024] . W[256,1024]^T
            (256, 32, 1024, True, False),  # grad of weight: X[32,256]^T . dY[32,1024]
        ]
    return shapes


def bench_gemm(torch, args):
    g = torch.Generator().manual_seed(1)
    for m, k, n, ta, tb in gemm_shapes(args.gemm_sizes, args.rnn_shapes):
        a = torch.randn(*((k, m) if ta else (m, k)), generator=g)  # stored layout
        b = torch.randn(*((n, k) if tb else (k, n)), generator=g)
        opa = a.t() if ta else a  # transposed views: torch passes the BLAS trans flag, no copy
        opb = b.t() if tb else b
        c = torch.empty(m, n)
        t = time_median(lambda: torch.mm(opa, opb, out=c))
        emit({"bench": "gemm", "impl": "torch", "m": m, "k": k, "n": n, "ta": ta, "tb": tb,
              "gflops": rnd(2.0 * m * k * n / t / 1e9)})


# ---------------------------------------------------------------------------------------------
# W2 char-LM training step
# ---------------------------------------------------------------------------------------------
V, H, B, T = 65, 256, 32, 64


def make_w2(torch, cell, seed=0, hidden=H, layers=1, steps=T):
    nn = torch.nn
    torch.manual_seed(seed)
    T = steps
    if cell == "rnn":
        rnn = nn.RNN(V, hidden, num_layers=layers, nonlinearity="tanh", batch_first=True)
    elif cell == "lstm":
        rnn = nn.LSTM(V, hidden, num_layers=layers, batch_first=True)
    elif cell == "gru":
        rnn = nn.GRU(V, hidden, num_layers=layers, batch_first=True)
    else:
        raise SystemExit("unknown cell " + cell)
    head = nn.Linear(hidden, V)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=2e-3)
    # one fixed random batch: a random symbol stream, targets = the next symbol
    g = torch.Generator().manual_seed(seed + 1)
    seq = torch.randint(0, V, (B, T + 1), generator=g)
    x = torch.nn.functional.one_hot(seq[:, :T], V).float()  # [B, T, V]
    y = seq[:, 1:].reshape(-1)  # [B*T]

    def step():
        opt.zero_grad(set_to_none=True)
        out, _ = rnn(x)  # zero initial state, all T steps: [B, T, H]
        logits = head(out)  # [B, T, V]
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), y)  # mean over B*T
        loss.backward()  # full BPTT
        opt.step()
        return loss.item()  # reading the scalar loss is part of the step

    return step


def bench_w2(torch, args, cell):
    step = make_w2(torch, cell)
    for _ in range(args.warmup):
        step()
    ts = []
    for _ in range(args.steps):
        t0 = time.perf_counter()
        loss = step()
        ts.append(time.perf_counter() - t0)
    ms = statistics.median(ts) * 1e3
    emit({"bench": "w2", "cell": cell, "impl": "torch", "threads": torch.get_num_threads(),
          "ms_per_step": rnd(ms), "tokens_per_s": rnd(B * T / (ms / 1e3)),
          "steps": args.steps, "warmup": args.warmup, "loss": rnd(loss)})


# ---------------------------------------------------------------------------------------------
# W3 generation: batch 1, LSTM 256, argmax fed back, forward only
# ---------------------------------------------------------------------------------------------
def bench_w3(torch, args):
    nn = torch.nn
    torch.manual_seed(0)
    lstm = nn.LSTM(V, H, batch_first=True)
    head = nn.Linear(H, V)
    x = torch.zeros(1, 1, V)

    def generate(n):
        tok = 0
        state = (torch.zeros(1, 1, H), torch.zeros(1, 1, H))
        with torch.no_grad():
            for _ in range(n):
                x.zero_()
                x[0, 0, tok] = 1.0
                out, state = lstm(x, state)
                tok = int(head(out[:, -1]).argmax(dim=-1).item())
        return tok

    generate(50)
    ts = []
    for _ in range(max(3, args.gen_runs)):
        t0 = time.perf_counter()
        generate(args.tokens)
        ts.append(time.perf_counter() - t0)
    emit({"bench": "w3", "cell": "lstm", "impl": "torch",
          "ms_per_token": rnd(statistics.median(ts) * 1e3 / args.tokens), "tokens": args.tokens})


# ---------------------------------------------------------------------------------------------
# mem: peak RSS of a process that runs only the w2 LSTM step
# ---------------------------------------------------------------------------------------------
def bench_mem(torch, args, import_rss):
    step = make_w2(torch, "lstm")
    for _ in range(max(2, args.mem_steps)):
        step()
    peak = max(rss_mb("VmHWM"), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0)
    emit({"bench": "mem", "cell": "lstm", "impl": "torch", "peak_rss_mb": rnd(peak),
          "after_import_rss_mb": rnd(import_rss)})


# ---------------------------------------------------------------------------------------------
# w4: scaling, each configuration in a process of its own (its peak RSS is its own)
# ---------------------------------------------------------------------------------------------
W4_CONFIGS = [
    ("lstm", 1024, 2, 64),
    ("gru", 1024, 2, 64),
    ("lstm", 256, 1, 1024),
    ("gru", 256, 1, 1024),
]


def bench_w4_one(torch, args, config):
    cell, hidden, layers, steps = config
    step = make_w2(torch, cell, hidden=hidden, layers=layers, steps=steps)
    step()  # warm-up
    ts, cs = [], []
    for _ in range(args.w4_steps):
        t0, c0 = time.perf_counter(), time.process_time()
        step()
        ts.append(time.perf_counter() - t0)
        cs.append(time.process_time() - c0)  # CPU time: steadier than wall on a shared machine
    ms = statistics.median(ts) * 1e3
    peak = max(rss_mb("VmHWM"), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0)
    base = {"bench": "w4", "cell": cell, "hidden": hidden, "layers": layers, "batch": B,
            "steps": steps, "impl": "torch", "threads": torch.get_num_threads()}
    emit({**base, "ms_per_step": rnd(ms), "cpu_ms_per_step": rnd(statistics.median(cs) * 1e3)})
    emit({**base, "bench": "w4-rss", "peak_rss_mb": rnd(peak)})


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    csv = lambda s: [t.strip() for t in s.split(",") if t.strip()]
    p.add_argument("--bench", type=csv, default=["env", "gemm", "w2", "w3", "mem"])
    p.add_argument("--cell", type=csv, default=["rnn", "lstm", "gru"])
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--tokens", type=int, default=500)
    p.add_argument("--gen-runs", type=int, default=5)
    p.add_argument("--mem-steps", type=int, default=3)
    p.add_argument("--gemm-sizes", type=lambda s: [int(t) for t in csv(s)], default=[64, 128, 256, 512, 1024])
    p.add_argument("--no-rnn-shapes", dest="rnn_shapes", action="store_false")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--w4-steps", type=int, default=3)
    p.add_argument("--w4-config", default=None, help="cell,hidden,layers,steps: one w4 run (a child)")
    args = p.parse_args()

    benches = args.bench
    if "mem" in benches and benches != ["mem"]:
        # peak RSS must belong to a process that did nothing else: run it as a child
        benches = [b for b in benches if b != "mem"]
        mem_child = True
    else:
        mem_child = False

    import torch

    torch.set_num_threads(args.threads)
    import_rss = rss_mb("VmRSS")

    if "env" in benches:
        info = blas_info()
        line = {"bench": "env", "impl": "torch", "blas": info["blas"], "blas_kind": info["blas_kind"],
                "torch": torch.__version__, "python": sys.version.split()[0],
                "threads": torch.get_num_threads(),
                "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
                "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE")}
        for k in ("openblas_core", "openblas_config"):
            if k in info:
                line[k] = info[k]
        line["mapped"] = info["mapped"]
        warn = []
        if not info["blas_kind"].startswith("openblas"):
            warn.append("sgemm_ does not come from OpenBLAS: figures are not a fair reference "
                        "(run through bench/harness.mjs, or set LD_LIBRARY_PATH to the openblas-openmp dir)")
        elif info.get("openblas_core") not in ("SkylakeX", "Cooperlake", "SapphireRapids"):
            warn.append("OpenBLAS is not using AVX-512 kernels (set OPENBLAS_CORETYPE=SkylakeX)")
        if warn:
            line["warning"] = "; ".join(warn)
        emit(line)

    if "gemm" in benches:
        bench_gemm(torch, args)
    if "w2" in benches:
        for cell in args.cell:
            bench_w2(torch, args, cell)
    if "w3" in benches:
        bench_w3(torch, args)
    if benches == ["mem"]:
        bench_mem(torch, args, import_rss)
    if "w4" in benches:
        if args.w4_config is not None:
            c = args.w4_config.split(",")
            bench_w4_one(torch, args, (c[0], int(c[1]), int(c[2]), int(c[3])))
        else:
            for config in W4_CONFIGS:
                if config[0] not in args.cell:
                    continue
                sys.stdout.flush()
                cmd = [sys.executable, os.path.abspath(__file__), "--bench", "w4", "--threads",
                       str(args.threads), "--w4-steps", str(args.w4_steps),
                       "--w4-config", ",".join(str(v) for v in config)]
                rc = subprocess.call(cmd)
                if rc != 0:
                    emit({"bench": "w4", "cell": config[0], "hidden": config[1], "impl": "torch",
                          "error": "w4 child exited %d" % rc})

    if mem_child:
        sys.stdout.flush()
        cmd = [sys.executable, os.path.abspath(__file__), "--bench", "mem",
               "--mem-steps", str(args.mem_steps), "--threads", str(args.threads)]
        rc = subprocess.call(cmd)  # inherits stdout/stderr and the environment
        if rc != 0:
            emit({"bench": "mem", "cell": "lstm", "impl": "torch", "error": "mem child exited %d" % rc})

    log("torch_bench: done in %.1f s" % (time.perf_counter() - T_START))


if __name__ == "__main__":
    main()
