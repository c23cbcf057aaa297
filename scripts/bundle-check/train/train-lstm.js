// A small character LSTM trained for a few Adam steps, as the READMEs show it; used by the
// training page (train/main.js) and the threads page (threads/main.js).
import { backward } from "@recurrent/autograd";
import { createCell, lstm, SequenceModel } from "@recurrent/cells";
import { crossEntropy } from "@recurrent/nn";
import { adam, Optimizer } from "@recurrent/optim";
import { tensor, tidy } from "@recurrent/tensor";

const text = "the quick brown fox jumps over the lazy dog; ".repeat(12);
const vocab = [...new Set(text)].sort();
const ids = Array.from(text, (c) => vocab.indexOf(c));

/** Inputs and next-character targets, int32 [time, batch], from `batch` windows of the text. */
function windows(step, time, batch) {
  const x = [];
  const y = [];
  for (let t = 0; t < time; t++) {
    x.push([]);
    y.push([]);
    for (let b = 0; b < batch; b++) {
      const at = (step * 7 + b * 53 + t) % (ids.length - 1);
      x[t].push(ids[at]);
      y[t].push(ids[at + 1]);
    }
  }
  return { x: tensor(x, { dtype: "int32" }), y: tensor(y, { dtype: "int32" }) };
}

/** Trains a fresh model (seed 1) and returns the loss of every step. */
export function trainLstm({ steps = 40, time = 16, batch = 4, hidden = 32 } = {}) {
  const model = new SequenceModel(createCell(lstm, { hidden }), {
    input: { kind: "one-hot", vocab: vocab.length },
    outputSize: vocab.length,
    seed: 1,
  });
  const optimizer = new Optimizer(model.namedParameters(), adam({ lr: 0.02 }));
  const losses = [];
  for (let step = 0; step < steps; step++) {
    const loss = tidy(() => {
      optimizer.zeroGrad();
      const { x, y } = windows(step, time, batch);
      const value = crossEntropy(model.forward(x).output, y);
      backward(value);
      optimizer.step();
      return value.item();
    });
    losses.push(loss);
  }
  return losses;
}
