#!/usr/bin/python3
"""PyTorch reference values for @recurrent/cells' rnn, lstm and gru, both ways.

    /usr/bin/python3 scripts/torch_cells_fixtures.py
        Writes fixtures/<kind>.safetensors (committed; the tests need no torch)
        for kind in rnn_tanh, rnn_relu, lstm, gru, and fixtures/options.safetensors
        with PyTorch's bias=False (every kind) and LSTM proj_size cases (keys as
        below, plus kind, bias and projSize in the case list). Each kind's file holds 16 cases:
        1 and 2 layers x uni- and bidirectional x with and without a length
        mask x batch-first or not. Keys of case C:

            C.weight_ih_l0, ...      torch's state_dict (PyTorch names, exactly)
            C/input, C/h0, C/c0      what went in (input in the case's layout)
            C/lengths                int32 [batch], masked cases only
            C/probe.output, ...      fixed random probes of the loss
            C/output, C/h_n, C/c_n   what came out (padded outputs are zeros)
            C/grad.<name>            dL/d of every parameter, input, h0, c0

        with L = sum(output * probe.output) + sum(h_n * probe.h_n)
                 (+ sum(c_n * probe.c_n) for the LSTM).
        Masked cases run torch on pack_padded_sequence(..., enforce_sorted=False)
        and pad_packed_sequence(..., total_length=T). The file's __metadata__
        holds the case list as JSON. The safetensors layout is written here with
        struct + json: torch 1.13 has no safetensors package on this machine.

    /usr/bin/python3 scripts/torch_cells_fixtures.py --check JOBS.json
        The other direction. JOBS.json is a list of {"name", "weights",
        "inputs", "config"}: for each, load the state dict in the file
        `weights` (written by our saveSafetensors) into torch.nn.RNN, LSTM or
        GRU (config: {"mode", "input", "hidden", "layers", "bidirectional",
        "batchFirst", "nonlinearity"}) with strict=True, run it on `inputs`
        (input, optional h0, c0, lengths) and print, as one JSON object keyed
        by name, the keys torch saw and output, h_n, c_n. One process for all
        jobs: importing torch is the slow part.
"""
import json
import os
import struct
import sys

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")

DTYPES = {torch.float32: ("F32", "f", 4), torch.float64: ("F64", "d", 8), torch.int32: ("I32", "i", 4)}
FROM_NAME = {"F32": (torch.float32, "f", 4), "F64": (torch.float64, "d", 8), "I32": (torch.int32, "i", 4)}

# Small on purpose: 64 cases stay under a few hundred KB.
TIME, BATCH, INPUT, HIDDEN = 5, 3, 4, 3
LENGTHS = [3, 5, 1]  # unsorted, one full row, one of length 1

KINDS = {
    "rnn_tanh": ("RNN", {"nonlinearity": "tanh"}),
    "rnn_relu": ("RNN", {"nonlinearity": "relu"}),
    "lstm": ("LSTM", {}),
    "gru": ("GRU", {}),
}


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


def make_module(mode, extra, input_size, hidden, layers, bidirectional, batch_first):
    cls = {"RNN": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}[mode]
    return cls(input_size, hidden, num_layers=layers, bidirectional=bidirectional, batch_first=batch_first, **extra)


def run(module, x, h0, c0, lengths, batch_first, total_length):
    """Forward through torch, packed when lengths are given; padded outputs come back as zeros."""
    state = (h0, c0) if isinstance(module, torch.nn.LSTM) else h0
    if lengths is None:
        output, final = module(x, state)
    else:
        packed = pack_padded_sequence(x, lengths.long(), batch_first=batch_first, enforce_sorted=False)
        packed_out, final = module(packed, state)
        output, _ = pad_packed_sequence(packed_out, batch_first=batch_first, total_length=total_length)
    if isinstance(module, torch.nn.LSTM):
        return output, final[0], final[1]
    return output, final, None


def case(kind, layers, bidirectional, masked, batch_first, out, options=None, prefix=""):
    mode, extra = KINDS[kind]
    extra = {**extra, **(options or {})}
    name = prefix + "l%d-%s-%s-%s" % (layers, "bi" if bidirectional else "uni", "mask" if masked else "full", "bf" if batch_first else "tf")
    module = make_module(mode, extra, INPUT, HIDDEN, layers, bidirectional, batch_first)
    directions = 2 if bidirectional else 1
    shape = [BATCH, TIME, INPUT] if batch_first else [TIME, BATCH, INPUT]
    x = torch.randn(*shape).requires_grad_(True)
    h_size = extra.get("proj_size", 0) or HIDDEN  # an LSTM with a projection carries h of proj_size
    h0 = (0.5 * torch.randn(layers * directions, BATCH, h_size)).requires_grad_(True)
    c0 = (0.5 * torch.randn(layers * directions, BATCH, HIDDEN)).requires_grad_(True)
    lengths = torch.tensor(LENGTHS, dtype=torch.int32) if masked else None
    output, h_n, c_n = run(module, x, h0, c0, lengths, batch_first, TIME)
    probes = {"output": torch.randn(*output.shape), "h_n": torch.randn(*h_n.shape)}
    loss = (output * probes["output"]).sum() + (h_n * probes["h_n"]).sum()
    if c_n is not None:
        probes["c_n"] = torch.randn(*c_n.shape)
        loss = loss + (c_n * probes["c_n"]).sum()
    loss.backward()

    for key, value in module.state_dict().items():
        out["%s.%s" % (name, key)] = value
    out[name + "/input"] = x
    out[name + "/h0"] = h0
    if c_n is not None:
        out[name + "/c0"] = c0
    if lengths is not None:
        out[name + "/lengths"] = lengths
    for key, value in probes.items():
        out["%s/probe.%s" % (name, key)] = value
    out[name + "/output"] = output
    out[name + "/h_n"] = h_n
    if c_n is not None:
        out[name + "/c_n"] = c_n
    for key, parameter in module.named_parameters():
        out["%s/grad.%s" % (name, key)] = parameter.grad
    out[name + "/grad.input"] = x.grad
    out[name + "/grad.h0"] = h0.grad
    if c_n is not None:
        out[name + "/grad.c0"] = c0.grad
    return {"name": name, "layers": layers, "bidirectional": bidirectional, "masked": masked, "batchFirst": batch_first}


# The options users port from PyTorch: bias=False for every kind, LSTM proj_size (with and
# without biases), each in a plain and a two-layer bidirectional masked case.
OPTION_CASES = [
    ("rnn_tanh", {"bias": False}),
    ("rnn_relu", {"bias": False}),
    ("lstm", {"bias": False}),
    ("gru", {"bias": False}),
    ("lstm", {"proj_size": 2}),
    ("lstm", {"proj_size": 2, "bias": False}),
]


def option_fixtures():
    """fixtures/options.safetensors: keys as the kind files', each case named <kind>-<options>-<layout>."""
    torch.manual_seed(200)
    tensors = {}
    cases = []
    for kind, options in OPTION_CASES:
        tag = "%s-%s-" % (kind, "-".join("%s%s" % (k, v) for k, v in sorted(options.items())))
        for layers, bidirectional, masked, batch_first in ((1, False, False, False), (2, True, True, True)):
            info = case(kind, layers, bidirectional, masked, batch_first, tensors, options, tag)
            info.update({"kind": kind, "bias": options.get("bias", True), "projSize": options.get("proj_size", 0)})
            cases.append(info)
    metadata = {
        "source": "scripts/torch_cells_fixtures.py, torch %s" % torch.__version__,
        "config": json.dumps({"time": TIME, "batch": BATCH, "input": INPUT, "hidden": HIDDEN, "lengths": LENGTHS}),
        "cases": json.dumps(cases),
    }
    write_safetensors(os.path.join(FIXTURES, "options.safetensors"), tensors, metadata)


def fixtures():
    os.makedirs(FIXTURES, exist_ok=True)
    for index, kind in enumerate(KINDS):
        torch.manual_seed(100 + index)
        tensors = {}
        cases = []
        for layers in (1, 2):
            for bidirectional in (False, True):
                for masked in (False, True):
                    for batch_first in (False, True):
                        cases.append(case(kind, layers, bidirectional, masked, batch_first, tensors))
        mode, extra = KINDS[kind]
        metadata = {
            "source": "scripts/torch_cells_fixtures.py, torch %s" % torch.__version__,
            "config": json.dumps({"mode": mode, "time": TIME, "batch": BATCH, "input": INPUT, "hidden": HIDDEN, "lengths": LENGTHS, **extra}),
            "cases": json.dumps(cases),
        }
        write_safetensors(os.path.join(FIXTURES, kind + ".safetensors"), tensors, metadata)
    option_fixtures()
    sizes = {f: os.path.getsize(os.path.join(FIXTURES, f)) for f in sorted(os.listdir(FIXTURES))}
    print("wrote", ", ".join("%s (%d bytes)" % item for item in sizes.items()))


def check_one(job):
    """Load our state dict into a torch module (strict) and run it."""
    config = job["config"]
    state, _ = read_safetensors(job["weights"])
    inputs, _ = read_safetensors(job["inputs"])
    extra = {"nonlinearity": config["nonlinearity"]} if config["mode"] == "RNN" else {}
    module = make_module(
        config["mode"], extra, config["input"], config["hidden"], config["layers"], config["bidirectional"], config["batchFirst"]
    )
    module.load_state_dict(state, strict=True)
    x = inputs["input"]
    directions = 2 if config["bidirectional"] else 1
    batch = x.shape[0] if config["batchFirst"] else x.shape[1]
    time = x.shape[1] if config["batchFirst"] else x.shape[0]
    zeros = torch.zeros(config["layers"] * directions, batch, config["hidden"])
    with torch.no_grad():
        output, h_n, c_n = run(
            module, x, inputs.get("h0", zeros), inputs.get("c0", zeros), inputs.get("lengths"), config["batchFirst"], time
        )
    report = {"keys": list(module.state_dict().keys()), "output": output.double().tolist(), "h_n": h_n.double().tolist()}
    if c_n is not None:
        report["c_n"] = c_n.double().tolist()
    return report


def check(jobs_path):
    with open(jobs_path) as f:
        jobs = json.load(f)
    print(json.dumps({job["name"]: check_one(job) for job in jobs}))


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--check":
        check(sys.argv[2])
    else:
        fixtures()
