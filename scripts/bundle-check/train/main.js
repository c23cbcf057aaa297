// The bundling check's training page: what a web developer writes from the READMEs. It trains a
// small character LSTM for a few dozen Adam steps and leaves the losses in `window.result`
// (scripts/bundle-check.mjs reads them and checks that the loss fell).
import { backward } from "@recurrent/autograd";
import { createCell, lstm, SequenceModel } from "@recurrent/cells";
import { crossEntropy } from "@recurrent/nn";
import { adam, Optimizer } from "@recurrent/optim";
import { getBackend, tensor, tidy } from "@recurrent/tensor";

const text = "the quick brown fox jumps over the lazy dog; ".repeat(12);
const vocab = [...new Set(text)].sort();
const ids = Array.from(text, (c) => vocab.indexOf(c));
const [steps, time, batch] = [40, 16, 4];

/** Inputs and next-character targets, int32 [time, batch], from `batch` windows of the text. */
function windows(step) {
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

const log = document.getElementById("log");
try {
  const started = performance.now();
  const model = new SequenceModel(createCell(lstm, { hidden: 32 }), {
    input: { kind: "one-hot", vocab: vocab.length },
    outputSize: vocab.length,
    seed: 1,
  });
  const optimizer = new Optimizer(model.namedParameters(), adam({ lr: 0.02 }));
  const losses = [];
  for (let step = 0; step < steps; step++) {
    const loss = tidy(() => {
      optimizer.zeroGrad();
      const { x, y } = windows(step);
      const value = crossEntropy(model.forward(x).output, y);
      backward(value);
      optimizer.step();
      return value.item();
    });
    losses.push(loss);
  }
  const ms = performance.now() - started;
  window.result = { backend: getBackend().name, losses, ms };
  log.textContent = `${getBackend().name}: loss ${losses[0].toFixed(3)} → ${losses.at(-1).toFixed(3)} in ${ms.toFixed(0)} ms`;
} catch (error) {
  window.result = { error: String(error?.stack ?? error) };
  console.error(error);
}
