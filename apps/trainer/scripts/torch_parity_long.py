#!/usr/bin/python3
"""PyTorch's side of the long-run parity harness (parity-long.ts starts it).

    torch_parity_long.py same WORK
        Loads our initial weights (WORK/init.safetensors) into torch.nn.LSTM +
        nn.Linear and trains on our batch stream (WORK/plan.json: the row
        starts of every step and where the state resets) over the ids in
        WORK/ids.i32; writes every step's loss to WORK/same.json.

    torch_parity_long.py own WORK SEEDS STEPS
        The same recipe with PyTorch's own initialisation (torch.manual_seed,
        nn.LSTM's defaults) and the usual batching (a random offset in
        0..bptt-1 each epoch, the text cut into `batch` contiguous rows, the
        state carried and reset at each epoch); evaluates each seed on the
        validation split as parity-long.ts does; writes WORK/own.json.

One thread (the machine is shared), float32, Adam(lr) with PyTorch 1.13's
defaults and clip_grad_norm_(clip), as parity-long.ts.
"""
import json
import os
import random
import struct
import sys

import torch
import torch.nn.functional as F

torch.set_num_threads(1)


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    header.pop("__metadata__", None)
    data = raw[8 + n :]
    out = {}
    for name, info in header.items():
        assert info["dtype"] == "F32", (name, info["dtype"])
        begin, end = info["data_offsets"]
        values = struct.unpack("<%df" % ((end - begin) // 4), data[begin:end])
        out[name] = torch.tensor(values, dtype=torch.float32).reshape(info["shape"])
    return out


class CharLstm(torch.nn.Module):
    def __init__(self, vocab, hidden):
        super().__init__()
        self.vocab = vocab
        self.recurrent = torch.nn.LSTM(vocab, hidden)
        self.head = torch.nn.Linear(hidden, vocab)

    def forward(self, ids, state):
        x = F.one_hot(ids.long(), self.vocab).float()
        y, state = self.recurrent(x, state)
        return self.head(y), state


def load(work):
    with open(os.path.join(work, "meta.json")) as f:
        meta = json.load(f)
    with open(os.path.join(work, "ids.i32"), "rb") as f:
        raw = f.read()
    ids = torch.frombuffer(bytearray(raw), dtype=torch.int32).long()
    return meta, ids


def batch_at(ids, starts, bptt):
    index = torch.tensor(starts)[None, :] + torch.arange(bptt)[:, None]  # [T, B]
    return ids[index], ids[index + 1]


def train(model, ids, plan, meta, tag, partial=None):
    optimizer = torch.optim.Adam(model.parameters(), lr=meta["lr"])
    state = None
    losses = []
    for step, (starts, reset) in enumerate(plan):
        x, y = batch_at(ids, starts, meta["bptt"])
        if reset:
            state = None
        optimizer.zero_grad()
        logits, state = model(x, state)
        loss = F.cross_entropy(logits.reshape(-1, meta["vocab"]), y.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), meta["clip"])
        optimizer.step()
        state = tuple(s.detach() for s in state)
        losses.append(loss.item())
        if (step + 1) % 100 == 0:
            print("%s step %d loss %.4f" % (tag, step + 1, losses[-1]), flush=True)
        if partial is not None and (step + 1) % 50 == 0:
            with open(partial, "w") as f:  # so a run stopped early still leaves its losses
                json.dump({"losses": losses}, f)
    return losses


def evaluate(model, ids, meta):
    batch, bptt = meta["batch"], meta["bptt"]
    row = (len(ids) - 1) // batch
    windows = row // bptt
    state = None
    total = 0.0
    with torch.no_grad():
        for w in range(windows):
            x, y = batch_at(ids, [b * row + w * bptt for b in range(batch)], bptt)
            logits, state = model(x, state)
            total += F.cross_entropy(logits.reshape(-1, meta["vocab"]), y.reshape(-1)).item()
    return total / windows


def same(work):
    meta, ids = load(work)
    ids = ids[: meta["trainLength"]]
    with open(os.path.join(work, "plan.json")) as f:
        plan = [(p["starts"], p["reset"]) for p in json.load(f)]
    model = CharLstm(meta["vocab"], meta["hidden"])
    tensors = read_safetensors(os.path.join(work, "init.safetensors"))
    model.load_state_dict(tensors, strict=True)
    losses = train(model, ids, plan, meta, "same", os.path.join(work, "same.partial.json"))
    with open(os.path.join(work, "same.json"), "w") as f:
        json.dump({"torch": torch.__version__, "losses": losses}, f)


def own_plan(length, steps, meta, rng):
    """The usual sequential batching: each epoch a random offset, `batch` contiguous rows."""
    batch, bptt = meta["batch"], meta["bptt"]
    plan = []
    while len(plan) < steps:
        offset = rng.randrange(bptt)
        row = (length - offset - 1) // batch
        for i in range(row // bptt):
            if len(plan) == steps:
                break
            plan.append(([offset + b * row + i * bptt for b in range(batch)], i == 0))
    return plan


def own(work, seeds, steps):
    meta, ids = load(work)
    train_ids = ids[: meta["trainLength"]]
    validation = ids[meta["trainLength"] : meta["trainLength"] + meta["validationLength"]]
    runs = []
    for seed in range(seeds):
        torch.manual_seed(seed)
        model = CharLstm(meta["vocab"], meta["hidden"])
        plan = own_plan(len(train_ids), steps, meta, random.Random(seed))
        losses = train(model, train_ids, plan, meta, "own seed %d" % seed)
        runs.append({
            "seed": seed,
            "validation": evaluate(model, validation, meta),
            "lastHundred": sum(losses[-100:]) / len(losses[-100:]),
        })
    with open(os.path.join(work, "own.json"), "w") as f:
        json.dump({"torch": torch.__version__, "runs": runs}, f)


if __name__ == "__main__":
    if sys.argv[1] == "same":
        same(sys.argv[2])
    elif sys.argv[1] == "own":
        own(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        raise SystemExit("usage: torch_parity_long.py same WORK | own WORK SEEDS STEPS")
