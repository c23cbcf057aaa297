/**
 * Training speed in the page against the same configuration in Node (not a
 * test: `pnpm --filter @recurrent/playground bench`). Both run the trainer's
 * Session on one thread: in Node in-process, in the page inside the Web
 * Worker of the built app (headless Chromium). Rounds are interleaved and
 * each side keeps its best; the ratio is what counts on a shared machine.
 *
 *     --rounds N   interleaved rounds (default 3)
 *     --steps N    timed steps per round, after 5 warm-up steps (default 40)
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { resolveConfig, Session } from "@recurrent/trainer/core";
import { createPageRegistry } from "../src/worker/registry.js";
import { buildApp } from "../test/support/app.js";
import { launchChromium, openApp } from "../test/support/browser.js";
import { serveStatic } from "../test/support/serve.js";

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};
const rounds = arg("rounds", 3);
const steps = arg("steps", 40);
const warmup = 5;

const text = readFileSync(
  fileURLToPath(new URL("../data/moby-dick-excerpt.txt", import.meta.url)),
  "utf8",
);
/** The page's "Moby Dick" choice with an LSTM of 128: what the form sends, spelled out. */
const config = {
  data: {
    dataset: { name: "inline-text", text, label: "Moby Dick, the opening chapters" },
    tokenizer: { name: "char" },
  },
  model: { cell: { name: "lstm", hidden: 128 }, layers: 1 },
  optimizer: { name: "adam", lr: 0.005 },
  train: {
    steps: warmup + steps,
    batchSize: 32,
    bptt: 64,
    evalEvery: 1_000_000,
    seed: 0,
    threads: 1,
  },
  eval: { maxTokens: 4096 },
};

async function nodeMsPerStep(): Promise<number> {
  const registry = createPageRegistry([]);
  const session = await Session.create(resolveConfig(config, registry), registry, { cwd: "." });
  for (let i = 0; i < warmup; i++) session.trainStep();
  const start = performance.now();
  for (let i = 0; i < steps; i++) session.trainStep();
  return (performance.now() - start) / steps;
}

const dist = await buildApp();
const server = await serveStatic(dist, false);
const browser = await launchChromium();

async function pageMsPerStep(): Promise<number> {
  const { page, errors } = await openApp(browser, server.url);
  await page.selectOption("#dataset", "moby");
  await page.fill('#cell-options [data-option="hidden"]', "128");
  await page.fill("#steps", String(warmup + steps));
  await page.fill("#eval-every", "1000000");
  await page.fill("#batch-size", "32");
  await page.fill("#bptt", "64");
  await page.click("#start");
  const elapsedAt = async (step: number) => {
    await page.waitForFunction(
      (s) => Number(document.querySelector("#progress")?.getAttribute("data-step")) >= s,
      step,
      { timeout: 300_000, polling: 5 },
    );
    return {
      step: Number(await page.getAttribute("#progress", "data-step")),
      elapsed: Number(await page.getAttribute("#progress", "data-elapsed-ms")),
    };
  };
  const first = await elapsedAt(warmup);
  const last = await elapsedAt(warmup + steps);
  if (errors.length > 0) throw new Error(`page errors: ${errors.join("; ")}`);
  await page.context().close();
  return (last.elapsed - first.elapsed) / (last.step - first.step);
}

const best = { node: Number.POSITIVE_INFINITY, page: Number.POSITIVE_INFINITY };
try {
  for (let round = 1; round <= rounds; round++) {
    const node = await nodeMsPerStep();
    const inPage = await pageMsPerStep();
    best.node = Math.min(best.node, node);
    best.page = Math.min(best.page, inPage);
    console.log(JSON.stringify({ round, nodeMsPerStep: node, pageMsPerStep: inPage }));
  }
} finally {
  await browser.close();
  await server.close();
}
const ratio = best.page / best.node;
console.error(
  `LSTM 128 on Moby Dick, batch 32 × 64 steps, one thread, best of ${rounds}: Node ${best.node.toFixed(1)} ms/step, page ${best.page.toFixed(1)} ms/step → page/Node ${ratio.toFixed(2)}× (target ≤ 1.3×)`,
);
