"""
Continue a run exported by `recurrent export --format pytorch`, in PyTorch,
on one process or many:

    python train.py --steps 200
    torchrun --nproc_per_node=2 train.py --steps 200     # DistributedDataParallel

Same data pipeline as the trainer: the training ids (data.safetensors), cut
into `batchSize` rows from each epoch's offset, `bptt` steps per batch, the
state carried across batches and reset at each epoch's start, the loss the
mean cross-entropy over every target, gradients clipped to the same norm, the
same optimizer continuing from its saved state. Under torchrun each process
takes its share of the rows (batchSize must divide by the number of
processes); DDP averages the gradients, so two processes take the same steps
as one. The gloo backend serves CPUs, nccl GPUs. At the end, rank 0 writes
model.safetensors, optimizer.safetensors, the data position and the carried
state back into this folder, which `recurrent import model.safetensors
--config recurrent.json --optimizer optimizer.safetensors` brings home.
"""
import argparse
import json
import math
import os
import random
import time

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

from model import load_model, load_optimizer_state, make_optimizer, read_safetensors, write_safetensors

HERE = os.path.dirname(os.path.abspath(__file__))


class Batches:
    """The trainer's sequential batches from the saved position on; `position` is where the next one starts."""

    def __init__(self, ids, plan):
        self.ids, self.plan = ids, plan
        self.position = dict(plan["position"])

    def offset(self, epoch):
        plan = self.plan
        if epoch < len(plan["offsets"]):
            return plan["offsets"][epoch]
        # Past the epochs the trainer planned: fresh offsets, seeded.
        return random.Random(plan["seed"] * 1_000_003 + epoch).randint(0, plan["maxOffset"])

    def next(self):
        batch_size, bptt = self.plan["batchSize"], self.plan["bptt"]
        while True:
            epoch, index = self.position["epoch"], self.position["batch"]
            offset = self.offset(epoch)
            row = (len(self.ids) - offset - 1) // batch_size
            if index < row // bptt:
                break
            self.position = {"epoch": epoch + 1, "batch": 0}
        starts = [offset + b * row + index * bptt for b in range(batch_size)]
        x = torch.stack([self.ids[s : s + bptt] for s in starts], 1)
        y = torch.stack([self.ids[s + 1 : s + bptt + 1] for s in starts], 1)
        self.position = {"epoch": epoch, "batch": index + 1}
        return x, y, index == 0


def detach(state):
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=100, help="training steps to take")
    parser.add_argument("--folder", default=HERE, help="the exported folder")
    parser.add_argument("--log-every", type=int, default=10)
    args = parser.parse_args()

    distributed = "WORLD_SIZE" in os.environ
    if distributed:
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    rank = dist.get_rank() if distributed else 0
    world = dist.get_world_size() if distributed else 1
    device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}" if torch.cuda.is_available() else "cpu")

    model, config = load_model(args.folder)
    model.to(device)
    optimizer = make_optimizer(config, model.parameters())
    optimizer.load_state_dict(load_optimizer_state(args.folder))
    network = DistributedDataParallel(model) if distributed else model
    data, _ = read_safetensors(os.path.join(args.folder, "data.safetensors"))
    plan = config["data"]
    if plan is None:
        raise SystemExit(
            "train.py: this run's data pipeline (independent sequences, a series, or random batching) "
            "is not exported yet; the weights, model.py and the optimizer state are, for your own loop"
        )
    if plan["batchSize"] % world != 0:
        raise SystemExit(f"train.py: batchSize {plan['batchSize']} must divide by the {world} processes")
    rows = slice(rank * plan["batchSize"] // world, (rank + 1) * plan["batchSize"] // world)
    ids = data["train"].long()
    clip = config["train"]["clip"]
    # The state the trainer carried into its next batch (none at an epoch's start).
    carried = [data[f"state.{part}"][:, rows].to(device) for part in config["model"]["stateParts"] if f"state.{part}" in data]
    network.train()

    state = None if not carried else (tuple(carried) if len(carried) > 1 else carried[0])
    started, step = time.time(), config["train"]["step"]
    stream = Batches(ids, plan)
    losses = []
    for _ in range(args.steps):
        x, y, reset = stream.next()
        x, y = x[:, rows].to(device), y[:, rows].to(device)
        if reset:
            state = None
        optimizer.zero_grad(set_to_none=True)
        logits, state = network(x, state)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        loss.backward()
        if clip is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        state = detach(state)
        step += 1
        value = loss.detach().clone()
        if distributed:
            dist.all_reduce(value)
            value /= world
        losses.append(value.item())
        if rank == 0 and (step % args.log_every == 0 or len(losses) == args.steps):
            print(f"step {step} · loss {value.item():.4f} nats/token · {math.exp(value.item()):.2f} perplexity · {world} process(es) · {time.time() - started:.1f} s", flush=True)

    parts = list(state) if isinstance(state, tuple) else [state]
    if distributed:  # every process holds its rows of the carried state: gather them all
        for i, part in enumerate(parts):
            pieces = [torch.empty_like(part) for _ in range(world)]
            dist.all_gather(pieces, part.contiguous())
            parts[i] = torch.cat(pieces, 1)
    if rank == 0:
        write_safetensors(os.path.join(args.folder, "model.safetensors"), model.state_dict())
        saved = optimizer.state_dict()
        tensors = {}
        for i, param_state in saved["state"].items():
            for k, v in param_state.items():
                tensors[f"state.{i}.{k}"] = v if torch.is_tensor(v) else torch.tensor(float(v))
        write_safetensors(os.path.join(args.folder, "optimizer.safetensors"), tensors, {"param_groups": json.dumps(saved["param_groups"])})
        data.update({f"state.{p}": v for p, v in zip(config["model"]["stateParts"], parts)})
        write_safetensors(os.path.join(args.folder, "data.safetensors"), data)
        config["data"]["position"] = stream.position
        config["train"]["step"] = step
        with open(os.path.join(args.folder, "config.json"), "w") as f:
            json.dump(config, f, indent=2)
        print(f"saved model.safetensors and optimizer.safetensors at step {step}", flush=True)
    if distributed:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
