#!/usr/bin/python3
"""PyTorch reference values for @recurrent/nn, in both directions.

    /usr/bin/python3 scripts/torch_nn_fixtures.py
        Writes fixtures/ (committed; the tests read them without torch):
        safetensors state dicts of torch Linear and Embedding modules, written
        by this script with struct + json (torch 1.13 has no safetensors
        package here), and JSON with forward outputs, gradients and loss
        values computed by torch.

    /usr/bin/python3 scripts/torch_nn_fixtures.py --check IN.safetensors [--out OUT.safetensors]
        Reads a checkpoint written by our saveSafetensors/Checkpoint, loads it
        into torch modules (strict), runs them, prints the state and outputs
        as JSON, and with --out writes torch's state dict back as
        safetensors, so a test can check ours -> PyTorch -> ours exactly.

Every number goes through float64 JSON (Python's repr round-trips doubles
exactly), so float32 values arrive in JavaScript bit for bit.
"""
import json
import os
import struct
import sys

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")

DTYPES = {torch.float32: ("F32", "f", 4), torch.float64: ("F64", "d", 8), torch.int32: ("I32", "i", 4)}
FROM_NAME = {"F32": (torch.float32, "f", 4), "F64": (torch.float64, "d", 8), "I32": (torch.int32, "i", 4)}


def write_safetensors(path, tensors, metadata=None):
    """The safetensors layout by hand: u64 LE header length, JSON header, LE data."""
    header = {}
    if metadata:
        header["__metadata__"] = dict(metadata)
    blobs = []
    offset = 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        code, fmt, size = DTYPES[t.dtype]
        values = t.flatten().tolist()
        blob = struct.pack("<%d%s" % (len(values), fmt), *values)
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    data = raw[8 + n :]
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        dtype, fmt, size = FROM_NAME[info["dtype"]]
        begin, end = info["data_offsets"]
        count = (end - begin) // size
        values = struct.unpack("<%d%s" % (count, fmt), data[begin:end])
        tensors[name] = torch.tensor(values, dtype=dtype).reshape(info["shape"])
    return tensors, metadata


def values(t):
    """Nested lists of Python floats/ints (float32 converted to float64 exactly)."""
    t = t.detach()
    return t.double().tolist() if t.is_floating_point() else t.tolist()


def dump(name, obj):
    with open(os.path.join(FIXTURES, name), "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")


def linear_fixture():
    torch.manual_seed(0)
    layer = torch.nn.Linear(4, 3)
    write_safetensors(os.path.join(FIXTURES, "linear.safetensors"), layer.state_dict(), {"source": "torch.nn.Linear(4, 3)"})
    x = torch.randn(2, 3, 4, requires_grad=True)
    proj = torch.randn(2, 3, 3)
    y = layer(x)
    (y * proj).sum().backward()
    dump("linear.json", {
        "input": values(x), "proj": values(proj), "output": values(y),
        "grad": {"weight": values(layer.weight.grad), "bias": values(layer.bias.grad), "input": values(x.grad)},
    })


def embedding_fixture():
    torch.manual_seed(1)
    table = torch.nn.Embedding(10, 4, padding_idx=1)
    with torch.no_grad():
        table.weight[1] = torch.tensor([0.5, -0.25, 1.0, 2.0])  # a loaded, non-zero padding row
    write_safetensors(os.path.join(FIXTURES, "embedding.safetensors"), table.state_dict(), {"source": "torch.nn.Embedding(10, 4, padding_idx=1)"})
    ids = torch.tensor([[3, 1, 7, 3], [1, 9, 0, 3]], dtype=torch.int64)
    proj = torch.randn(2, 4, 4)
    out = {"ids": values(ids), "proj": values(proj)}
    for name, padding in (("padded", 1), ("plain", None)):
        module = torch.nn.Embedding(10, 4, padding_idx=padding)
        with torch.no_grad():
            module.weight.copy_(table.weight)
        y = module(ids)
        (y * proj).sum().backward()
        out[name] = {"output": values(y), "grad_weight": values(module.weight.grad)}
    dump("embedding.json", out)


def cross_entropy_cases():
    torch.manual_seed(2)
    logits = torch.randn(2, 3, 5) * 3
    targets = torch.tensor([[0, 4, -100], [2, 2, 1]])
    mask = torch.tensor([[1.0, 1.0, 1.0], [0.0, 1.0, 1.0]])
    cases = []

    def case(name, options, fn, logits_value=logits, targets_value=targets):
        z = logits_value.clone().requires_grad_(True)
        loss = fn(z)
        value = values(loss)
        # JSON has no NaN: a NaN loss is written as the string "NaN".
        if loss.dim() == 0 and loss.isnan():
            value = "NaN"
        entry = {"name": name, "options": options, "logits": values(z), "targets": values(targets_value), "value": value}
        if targets_value.is_floating_point():
            entry["soft"] = True  # class probabilities, the shape of the logits
        if loss.dim() == 0:
            loss.backward()
            entry["grad"] = values(z.grad)
        cases.append(entry)

    # torch wants classes on axis 1: [N, C, d] = our [N, d, C] moved.
    def ce(z, **kw):
        return F.cross_entropy(z.permute(0, 2, 1), targets, **kw)

    case("mean", {}, lambda z: ce(z))
    case("mean, label smoothing 0.1", {"labelSmoothing": 0.1}, lambda z: ce(z, label_smoothing=0.1))
    case("sum, label smoothing 0.2", {"labelSmoothing": 0.2, "reduction": "sum"}, lambda z: ce(z, label_smoothing=0.2, reduction="sum"))
    case("none, label smoothing 0.1", {"labelSmoothing": 0.1, "reduction": "none"}, lambda z: ce(z, label_smoothing=0.1, reduction="none"))
    clamped = targets.clamp(min=0)  # [[0, 4, 0], [2, 2, 1]]: class 2 is the one ignored
    case("ignoreIndex 2", {"ignoreIndex": 2}, lambda z: F.cross_entropy(z.permute(0, 2, 1), clamped, ignore_index=2), targets_value=clamped)
    # A mask is ours: the mean over positions that are neither ignored nor masked, by hand from torch's per-position losses.
    def masked(z, smoothing):
        per = ce(z, reduction="none", label_smoothing=smoothing)
        counted = mask * (targets != -100).float()
        return (per * mask).sum() / counted.sum()
    case("masked", {"mask": values(mask)}, lambda z: masked(z, 0.0))
    case("masked, label smoothing 0.1", {"mask": values(mask), "labelSmoothing": 0.1}, lambda z: masked(z, 0.1))
    case("large logits", {}, lambda z: ce(z), logits_value=logits * 1000)

    # Every target ignored (an all-padding batch): the loss is NaN, the gradient zeros.
    padding = torch.full_like(targets, -100)
    def all_ignored(z, **kw):
        return F.cross_entropy(z.permute(0, 2, 1), padding, **kw)
    case("all ignored", {}, lambda z: all_ignored(z), targets_value=padding)
    case("all ignored, label smoothing 0.1", {"labelSmoothing": 0.1}, lambda z: all_ignored(z, label_smoothing=0.1), targets_value=padding)
    case("all ignored, weight", {"weight": [1.0, 2.0, 0.5, 1.5, 3.0]}, lambda z: all_ignored(z, weight=torch.tensor([1.0, 2.0, 0.5, 1.5, 3.0])), targets_value=padding)

    # Per-class weights: alone, with ignoreIndex, with smoothing, every reduction.
    w = [1.0, 2.0, 0.5, 1.5, 3.0]
    wt = torch.tensor(w)
    case("weight", {"weight": w}, lambda z: ce(z, weight=wt))
    case("weight, label smoothing 0.2", {"weight": w, "labelSmoothing": 0.2}, lambda z: ce(z, weight=wt, label_smoothing=0.2))
    case("weight, sum", {"weight": w, "reduction": "sum"}, lambda z: ce(z, weight=wt, reduction="sum"))
    case("weight, none, label smoothing 0.1", {"weight": w, "reduction": "none", "labelSmoothing": 0.1}, lambda z: ce(z, weight=wt, reduction="none", label_smoothing=0.1))

    # Probability ("soft") targets, the shape of the logits.
    probabilities = torch.softmax(torch.randn(2, 3, 5) * 2, -1)
    def soft(z, **kw):
        return F.cross_entropy(z.permute(0, 2, 1), probabilities.permute(0, 2, 1), **kw)
    case("soft targets", {}, lambda z: soft(z), targets_value=probabilities)
    case("soft targets, label smoothing 0.1", {"labelSmoothing": 0.1}, lambda z: soft(z, label_smoothing=0.1), targets_value=probabilities)
    case("soft targets, weight, sum", {"weight": w, "reduction": "sum"}, lambda z: soft(z, weight=wt, reduction="sum"), targets_value=probabilities)
    case("soft targets, weight, label smoothing 0.2", {"weight": w, "labelSmoothing": 0.2}, lambda z: soft(z, weight=wt, label_smoothing=0.2), targets_value=probabilities)
    case("soft targets, none", {"reduction": "none"}, lambda z: soft(z, reduction="none"), targets_value=probabilities)
    # Ours: a mask with soft targets is the mean over the positions that count, by hand from torch's per-position losses.
    case("soft targets, masked", {"mask": values(mask)}, lambda z: (soft(z, reduction="none") * mask).sum() / mask.sum(), targets_value=probabilities)
    return cases


def regression_cases():
    torch.manual_seed(3)
    pred = torch.randn(3, 4, 2)
    target = torch.randn(3, 4, 2)
    mask = torch.tensor([[1.0, 1.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0], [1.0, 0.0, 0.0, 0.0]])
    cases = []
    for loss_name, fn in (("mse", F.mse_loss), ("l1", F.l1_loss)):
        for reduction in ("mean", "sum", "none"):
            p = pred.clone().requires_grad_(True)
            value = fn(p, target, reduction=reduction)
            entry = {"loss": loss_name, "name": reduction, "options": {"reduction": reduction}, "value": values(value)}
            if value.dim() == 0:
                value.backward()
                entry["grad"] = values(p.grad)
            cases.append(entry)
        # Masked mean by hand: elements of unmasked positions, divided by their count.
        p = pred.clone().requires_grad_(True)
        per = fn(p, target, reduction="none")
        value = (per * mask[..., None]).sum() / (mask.sum() * pred.shape[-1])
        value.backward()
        cases.append({"loss": loss_name, "name": "masked mean", "options": {"mask": values(mask)}, "value": values(value), "grad": values(p.grad)})
    return {"prediction": values(pred), "target": values(target), "cases": cases}


def orthogonal_fixture():
    """torch.nn.init.orthogonal_'s QR and sign fix, applied to given matrices (float64)."""
    torch.manual_seed(4)
    out = []
    for rows, cols in ((6, 4), (3, 7), (5, 5)):
        a = torch.randn(rows, cols, dtype=torch.float64)
        flat = a.t() if rows < cols else a
        q, r = torch.linalg.qr(flat)
        q = q * torch.diag(r, 0).sign()
        if rows < cols:
            q = q.t()
        out.append({"matrix": values(a), "q": values(q)})
    dump("orthogonal.json", out)


def fixtures():
    os.makedirs(FIXTURES, exist_ok=True)
    linear_fixture()
    embedding_fixture()
    dump("losses.json", {"crossEntropy": cross_entropy_cases(), "regression": regression_cases()})
    orthogonal_fixture()
    print("wrote", ", ".join(sorted(os.listdir(FIXTURES))))


def check(path, out_path):
    """Load our checkpoint into torch modules (strict) and report what torch sees."""
    tensors, metadata = read_safetensors(path)
    model_state = {k[len("model."):]: v for k, v in tensors.items() if k.startswith("model.")}
    w0, w2 = model_state["0.weight"], model_state["2.weight"]
    model = torch.nn.Sequential(
        torch.nn.Linear(w0.shape[1], w0.shape[0]), torch.nn.Tanh(), torch.nn.Linear(w2.shape[1], w2.shape[0])
    )
    model.load_state_dict(model_state, strict=True)
    table_state = {k[len("embedding."):]: v for k, v in tensors.items() if k.startswith("embedding.")}
    num, dim = table_state["weight"].shape
    table = torch.nn.Embedding(num, dim)
    table.load_state_dict(table_state, strict=True)
    with torch.no_grad():
        y = model(tensors["inputs.x"])
        e = table(tensors["inputs.ids"].long())
    state = {**{"model." + k: v for k, v in model.state_dict().items()}, **{"embedding." + k: v for k, v in table.state_dict().items()}}
    if out_path:
        write_safetensors(out_path, {**state, "outputs.y": y, "outputs.e": e}, {"written_by": "torch %s" % torch.__version__})
    print(json.dumps({
        "metadata": metadata,
        "state": {k: values(v) for k, v in state.items()},
        "dtypes": {k: str(v.dtype) for k, v in state.items()},
        "outputs": {"y": values(y), "e": values(e)},
    }))


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--check":
        out = sys.argv[sys.argv.index("--out") + 1] if "--out" in sys.argv else None
        check(sys.argv[2], out)
    else:
        fixtures()
