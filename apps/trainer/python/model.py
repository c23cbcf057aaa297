"""
The model a `recurrent export --format pytorch` folder holds, as a plain
torch.nn.Module with the trainer's children and forward:

    ids [time, batch] -> embedding (or one-hot) -> recurrent (nn.LSTM / nn.GRU / nn.RNN)
                      -> head (nn.Linear) at every step -> logits [time, batch, vocab]

(a forecaster reads float features [time, batch, size] instead of ids). Its
state_dict keys are the trainer's (`embedding.weight`, `recurrent.weight_ih_l0`,
`head.weight`, ...), so model.safetensors loads strictly. Also here: a tiny
safetensors reader and writer (the format is 8 bytes of header length, a JSON
header, then raw little-endian data), so nothing beyond torch is needed, and
the optimizer state in the form torch.optim.*.load_state_dict takes.
"""
import json
import os
import struct

import torch
from torch import nn

DTYPES = {"F32": torch.float32, "F64": torch.float64, "I32": torch.int32, "I64": torch.int64}
NAMES = {v: k for k, v in DTYPES.items()}


def read_safetensors(path):
    """(tensors by name, metadata) from a safetensors file."""
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + length].decode("utf-8"))
    metadata = header.pop("__metadata__", {}) or {}
    body = data[8 + length :]
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        dtype = DTYPES[entry["dtype"]]
        flat = torch.frombuffer(bytearray(body[begin:end]), dtype=dtype) if end > begin else torch.empty(0, dtype=dtype)
        tensors[name] = flat.reshape(entry["shape"]).clone()
    return tensors, metadata


def write_safetensors(path, tensors, metadata=None):
    """Write tensors (and string metadata) as safetensors, atomically."""
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    for name, t in tensors.items():
        raw = t.detach().contiguous().cpu().numpy().tobytes()
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode("utf-8")
    text += b" " * (-len(text) % 8)
    temporary = f"{path}.tmp"
    with open(temporary, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))
    os.replace(temporary, path)


class RecurrentModel(nn.Module):
    """The trainer's SequenceModel: same children, same names, same forward."""

    def __init__(self, config):
        super().__init__()
        model = config["model"]
        self.input_kind = model["input"]["kind"]
        self.vocab = model["input"].get("vocab")
        cell, hidden = model["cell"], model["hidden"]
        if self.input_kind == "embedding":
            self.embedding = nn.Embedding(self.vocab, model["input"]["size"])
            features = model["input"]["size"]
        else:
            self.embedding = None
            features = self.vocab if self.input_kind == "one-hot" else model["input"]["size"]
        kinds = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}
        options = dict(num_layers=model["layers"], bidirectional=model["bidirectional"], dropout=model["dropout"])
        if cell == "rnn":
            options["nonlinearity"] = model.get("nonlinearity", "tanh")
        self.recurrent = kinds[cell](features, hidden, **options)
        directions = 2 if model["bidirectional"] else 1
        self.head = nn.Linear(hidden * directions, model["outputSize"])

    def forward(self, x, state=None):
        """x: int64 ids [time, batch] (or features [time, batch, size]); state as the layer takes it."""
        if self.input_kind == "embedding":
            x = self.embedding(x)
        elif self.input_kind == "one-hot":
            x = nn.functional.one_hot(x, self.vocab).to(self.head.weight.dtype)
        y, state = self.recurrent(x, state)
        return self.head(y), state


def load_model(folder):
    """The exported model with its weights (strict: every key must match)."""
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    model = RecurrentModel(config)
    tensors, _ = read_safetensors(os.path.join(folder, "model.safetensors"))
    model.load_state_dict(tensors, strict=True)
    return model, config


OPTIMIZERS = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "sgd": torch.optim.SGD}


def make_optimizer(config, parameters):
    """The torch optimizer the trainer's config names, with its hyper-parameters."""
    optimizer = config["optimizer"]
    return OPTIMIZERS[optimizer["torch"]](parameters, **optimizer["torchOptions"])


def load_optimizer_state(folder):
    """optimizer.safetensors as the dict torch.optim.*.load_state_dict takes."""
    tensors, metadata = read_safetensors(os.path.join(folder, "optimizer.safetensors"))
    state = {}
    for key, value in tensors.items():
        _, index, name = key.split(".", 2)
        state.setdefault(int(index), {})[name] = value
    return {"state": state, "param_groups": json.loads(metadata["param_groups"])}
