"""
PyTorch's side of the trainer's export and import, run with Debian's torch
(/usr/bin/python3, torch 1.13; no other package needed).

    torch_export_check.py check <export folder> <expect.safetensors>
        Verify a `recurrent export --format pytorch` folder: model.py builds the
        module, model.safetensors loads strictly, the forward pass on
        expect's `input` equals its `output` within 1e-5, and train.py's
        optimizer, continuing from optimizer.safetensors for `steps` steps on
        the same data, reaches expect's `param.<name>` (what our trainer
        reached) within 1e-5 relative + 1e-6 absolute. Exits 1 naming the worst
        difference.

    torch_export_check.py fixtures <out dir>
        Write the fixtures the trainer's import tests check, made by torch alone:
        a text and a recurrent config, a 2-layer LSTM language model trained
        two Adam steps (start.safetensors, start-optimizer.safetensors in the
        export's torch form), its logits on a fixed input, three more steps on
        given batches (clip 1) and the parameters after them (expect.safetensors).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
from model import RecurrentModel, read_safetensors, write_safetensors  # noqa: E402


def worst(a, b):
    diff = (a.double() - b.double()).abs()
    allowed = 1e-6 + 1e-5 * b.double().abs()
    return (diff - allowed).max().item(), diff.max().item()


def check(folder, expect_path):
    expect, metadata = read_safetensors(expect_path)
    steps = int(metadata["steps"])
    work = tempfile.mkdtemp(prefix="recurrent-export-check-")
    try:
        copy = os.path.join(work, "export")
        shutil.copytree(folder, copy)
        sys.path.insert(0, copy)
        from model import load_model  # the export's own model.py

        model, config = load_model(copy)
        model.eval()
        with torch.no_grad():
            logits, _ = model(expect["input"].long())
        over, largest = worst(logits, expect["output"])
        print(f"forward: max |torch - ours| = {largest:.3g} over {logits.numel()} logits")
        if largest > 1e-5:
            print("FAIL: the forward pass differs by more than 1e-5")
            return 1
        result = subprocess.run(
            [sys.executable, os.path.join(copy, "train.py"), "--steps", str(steps), "--log-every", "1"],
            cwd=copy, capture_output=True, text=True,
        )
        print(result.stdout.strip())
        if result.returncode != 0:
            print(f"FAIL: train.py exited {result.returncode}\n{result.stderr}")
            return 1
        trained, _ = read_safetensors(os.path.join(copy, "model.safetensors"))
        failures = 0
        for key, value in expect.items():
            if not key.startswith("param."):
                continue
            name = key[len("param."):]
            over, largest = worst(trained[name], value)
            if over > 0:
                failures += 1
                print(f"FAIL: {name} after {steps} steps: max |torch - ours| = {largest:.3g}")
        print(f"trajectory: {steps} steps, {sum(1 for k in expect if k.startswith('param.'))} parameters, {failures} off")
        return 1 if failures else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def fixtures(out):
    os.makedirs(out, exist_ok=True)
    words = "the whale sea ship captain ahab white call me ishmael".split()
    generator = torch.Generator().manual_seed(7)
    picks = torch.randint(len(words), (900,), generator=generator).tolist()
    text = " ".join(words[i] for i in picks)
    with open(os.path.join(out, "text.txt"), "w") as f:
        f.write(text)
    recurrent = {
        "data": {"dataset": {"name": "text-file", "path": "text.txt"}, "split": {"train": 0.9, "validation": 0.05, "test": 0.05}},
        "model": {"cell": {"name": "lstm", "hidden": 6}, "layers": 2, "embeddingSize": 5},
        "optimizer": {"name": "adam", "lr": 0.01},
        "train": {"steps": 4, "batchSize": 3, "bptt": 5, "clip": 1, "evalEvery": 2, "checkpointEvery": 2},
    }
    with open(os.path.join(out, "recurrent.json"), "w") as f:
        json.dump(recurrent, f, indent=2)
    # The trainer's char tokenizer: <pad>, <unk>, <bos>, <eos>, then the characters.
    vocab = 4 + len(set(text))
    config = {"model": {"cell": "lstm", "hidden": 6, "layers": 2, "bidirectional": False, "dropout": 0,
                        "input": {"kind": "embedding", "vocab": vocab, "size": 5}, "outputSize": vocab}}
    torch.manual_seed(0)
    model = RecurrentModel(config)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)

    def train_step(x, y):
        optimizer.zero_grad(set_to_none=True)
        logits, _ = model(x)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, vocab), y.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        return loss.item()

    batch = lambda: torch.randint(4, vocab, (5, 3), generator=generator)  # noqa: E731
    for _ in range(2):
        train_step(batch(), batch())
    write_safetensors(os.path.join(out, "start.safetensors"), model.state_dict())
    saved = optimizer.state_dict()
    tensors = {f"state.{i}.{k}": (v if torch.is_tensor(v) else torch.tensor(float(v))) for i, s in saved["state"].items() for k, v in s.items()}
    write_safetensors(os.path.join(out, "start-optimizer.safetensors"), tensors, {"param_groups": json.dumps(saved["param_groups"])})
    expect = {}
    fixed = batch()
    with torch.no_grad():
        expect["input"], expect["output"] = fixed.int(), model(fixed)[0]
    for i in range(3):
        x, y = batch(), batch()
        expect[f"batch.{i}.x"], expect[f"batch.{i}.y"] = x.int(), y.int()
        expect[f"loss.{i}"] = torch.tensor([train_step(x, y)])
    for name, p in model.named_parameters():
        expect[f"param.{name}"] = p.detach().clone()
    write_safetensors(os.path.join(out, "expect.safetensors"), expect, {"steps": "3", "torch": torch.__version__})
    print(f"wrote {out}: text.txt, recurrent.json, start.safetensors, start-optimizer.safetensors, expect.safetensors (vocab {vocab})")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3]))
    if len(sys.argv) == 3 and sys.argv[1] == "fixtures":
        sys.exit(fixtures(sys.argv[2]))
    print(__doc__)
    sys.exit(2)
