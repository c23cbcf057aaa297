// The bundling check's threads page: the same training and a large matMul on one thread and
// then on two (Web Workers over a shared WebAssembly.Memory), which must agree bit for bit.
// Served without COOP/COEP it records the error enableThreads throws instead.
import { Generator, getBackend, matMul, setBackend } from "@recurrent/tensor";
import { enableThreads, threadsReady } from "@recurrent/tensor/threads";
import { trainLstm } from "../train/train-lstm.js";

// Large enough that both the recurrence (by batch rows) and the GEMMs (by columns) are split.
const shape = { steps: 4, time: 16, batch: 8, hidden: 96 };

function product() {
  const rng = new Generator(3);
  return Array.from(
    matMul(rng.uniform([192, 256], -1, 1), rng.uniform([256, 320], -1, 1)).toTypedArray(),
  );
}

async function main() {
  if (!crossOriginIsolated) {
    try {
      enableThreads({ threads: 2 });
      return { notIsolated: "enableThreads did not throw" };
    } catch (error) {
      return { notIsolated: error.message };
    }
  }
  setBackend("wasm");
  const single = { losses: trainLstm(shape), product: product() };
  enableThreads({ threads: 2 });
  const threads = await threadsReady();
  const split = { losses: trainLstm(shape), product: product() };
  const same = (a, b) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
  return {
    threads,
    backend: getBackend().name,
    losses: split.losses,
    lossesEqual: same(single.losses, split.losses),
    productEqual: same(single.product, split.product),
  };
}

main().then(
  (result) => {
    window.result = result;
  },
  (error) => {
    window.result = { error: String(error?.stack ?? error) };
    console.error(error);
  },
);
