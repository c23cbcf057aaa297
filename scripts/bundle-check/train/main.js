// The bundling check's training page: what a web developer writes from the READMEs. It trains a
// small character LSTM for 40 Adam steps and leaves the losses in `window.result`
// (scripts/bundle-check/bundle.test.ts checks that the loss fell).
import { getBackend } from "@recurrent/tensor";
import { trainLstm } from "./train-lstm.js";

const log = document.getElementById("log");
try {
  const started = performance.now();
  const losses = trainLstm();
  const ms = performance.now() - started;
  window.result = { backend: getBackend().name, losses, ms };
  log.textContent = `${getBackend().name}: loss ${losses[0].toFixed(3)} → ${losses.at(-1).toFixed(3)} in ${ms.toFixed(0)} ms`;
} catch (error) {
  window.result = { error: String(error?.stack ?? error) };
  console.error(error);
}
