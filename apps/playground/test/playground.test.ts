/**
 * The playground in a real browser: the built app served on 127.0.0.1,
 * driven in headless Chromium (Debian's, through playwright-core), with the
 * `recurrent` command on the other side of every checkpoint. Screenshots of
 * these runs go to $PLAYGROUND_SCREENSHOTS when it is set (the README's).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  buildApp,
  dropFile,
  numberAttribute,
  setTraining,
  statusText,
  waitForState,
} from "./support/app.js";
import { launchChromium, openApp, type WatchedPage } from "./support/browser.js";
import { recurrent } from "./support/cli.js";
import { type StaticServer, serveStatic } from "./support/serve.js";

const shots = process.env.PLAYGROUND_SCREENSHOTS || undefined; // unset or empty: no screenshots
const work = mkdtempSync(join(tmpdir(), "recurrent-playground-test-"));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

let browser: Browser;
let plain: StaticServer;
let isolated: StaticServer;

async function screenshot(page: Page, name: string): Promise<void> {
  if (shots !== undefined) await page.screenshot({ path: join(shots, name), fullPage: true });
}

beforeAll(async () => {
  const dist = await buildApp();
  plain = await serveStatic(dist, false);
  isolated = await serveStatic(dist, true);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await plain?.close();
  await isolated?.close();
});

describe("the playground in Chromium", () => {
  let names: WatchedPage;

  test("trains an LSTM on the names below 2.35 nats/char, generates five names, pauses and resumes", async () => {
    names = await openApp(browser, plain.url);
    const { page, errors } = names;
    expect(await page.inputValue("#cell")).toBe("lstm");
    expect(await page.inputValue("#dataset")).toBe("names");
    await setTraining(page, { steps: 300, "eval-every": 50 });
    await page.click("#start");
    await page.waitForFunction(
      () => Number(document.querySelector("#metrics")?.getAttribute("data-loss") ?? "99") < 2.35,
      null,
      { timeout: 120_000 },
    );
    // Pause: the step stops moving, and stays put.
    await page.click("#pause");
    await waitForState(page, "paused");
    const pausedAt = await numberAttribute(page, "#progress", "data-step");
    await page.waitForTimeout(700);
    expect(await numberAttribute(page, "#progress", "data-step")).toBe(pausedAt);
    expect(pausedAt).toBeLessThan(300);
    // Five names from the paused model.
    await page.fill("#count", "5");
    await page.fill("#length", "20");
    await page.click("#generate");
    await page.waitForFunction(
      () => (document.querySelector("#samples")?.textContent ?? "") !== "",
    );
    const generated = ((await page.textContent("#samples")) ?? "").split("\n");
    expect(generated).toHaveLength(5);
    for (const name of generated) expect(name).toMatch(/^[A-Za-z][A-Za-z' -]{1,19}$/);
    // Resume to the end of the budget.
    await page.click("#resume");
    await waitForState(page, "done");
    expect(await numberAttribute(page, "#progress", "data-step")).toBe(300);
    expect(await numberAttribute(page, "#metrics", "data-step")).toBe(300);
    expect(await numberAttribute(page, "#metrics", "data-loss")).toBeLessThan(2.35);
    expect(await statusText(page)).toBe("");
    await screenshot(page, "names-lstm.png");
    expect(errors).toEqual([]);
  });

  test("a checkpoint saved in the page is one `recurrent eval` reads, with the same validation loss", async () => {
    const { page, errors } = names;
    const pageLoss = await numberAttribute(page, "#metrics", "data-loss");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#save")]);
    expect(download.suggestedFilename()).toBe("lstm-first-names-en-step-000300.safetensors");
    const file = join(work, download.suggestedFilename());
    await download.saveAs(file);
    const evaluated = await recurrent("eval", file, "--json");
    expect(evaluated.stderr).toBe("");
    expect(evaluated.code).toBe(0);
    const metrics = JSON.parse(evaluated.stdout) as { loss: number };
    expect(metrics.loss).toBeCloseTo(pageLoss, 5);
    const generated = await recurrent("generate", file, "--count", "2", "--length", "20");
    expect(generated.code).toBe(0);
    expect(generated.stdout.trim().split(/\n+/)).toHaveLength(2); // samples, a blank line between
    // Reset: a fresh model of the same config, back at step 0.
    await page.click("#reset");
    await page.waitForFunction(
      () => document.querySelector("#progress")?.getAttribute("data-step") === "0",
    );
    expect(await page.textContent("#metrics")).toBe("");
    expect(await page.isEnabled("#start")).toBe(true);
    expect(errors).toEqual([]);
  });

  test("a checkpoint trained by `recurrent train` generates in the page exactly what `recurrent generate --greedy` prints", async () => {
    const config = {
      data: {
        dataset: { name: "first-names-en" },
        tokenizer: { name: "char" },
        split: { train: 0.8, validation: 0.1, test: 0.1 },
      },
      model: { cell: { name: "gru", hidden: 48 }, embeddingSize: 16 },
      optimizer: { name: "adam", lr: 0.005 },
      train: { steps: 120, batchSize: 32, evalEvery: 120, checkpointEvery: 120 },
      eval: { maxTokens: 4000, samples: 0 },
    };
    writeFileSync(join(work, "cli-names.json"), JSON.stringify(config));
    const run = join(work, "cli-run");
    const trained = await recurrent("train", join(work, "cli-names.json"), "--out", run);
    expect(trained.code).toBe(0);
    const cliText = await recurrent(
      "generate",
      run,
      "--greedy",
      "--prefix",
      "Ma",
      "--length",
      "20",
    );
    expect(cliText.code).toBe(0);
    const { page, errors } = await openApp(browser, plain.url);
    await page.setInputFiles("#load-file", join(run, "checkpoints", "step-000120.safetensors"));
    await waitForState(page, "loaded", 60_000);
    expect(await page.inputValue("#cell")).toBe("gru");
    await page.fill("#prefix", "Ma");
    await page.fill("#length", "20");
    await page.fill("#count", "1");
    await page.check("#greedy");
    await page.click("#generate");
    await page.waitForFunction(
      () => (document.querySelector("#samples")?.textContent ?? "") !== "",
    );
    const pageText = (await page.textContent("#samples")) ?? "";
    expect(pageText.startsWith("Ma")).toBe(true);
    expect(`${pageText}\n`).toBe(cliText.stdout);
    await screenshot(page, "cli-checkpoint.png");

    // A checkpoint of all of Moby Dick, which the page does not ship: it still generates.
    const moby = {
      data: { dataset: { name: "moby-dick" }, tokenizer: { name: "char" } },
      model: { cell: { name: "lstm", hidden: 32 } },
      optimizer: { name: "adam", lr: 0.01 },
      train: { steps: 4, batchSize: 8, bptt: 32, evalEvery: 100, checkpointEvery: 100 },
      eval: { maxTokens: 256, samples: 0 },
    };
    writeFileSync(join(work, "cli-moby.json"), JSON.stringify(moby));
    const mobyRun = join(work, "cli-moby");
    expect((await recurrent("train", join(work, "cli-moby.json"), "--out", mobyRun)).code).toBe(0);
    const mobyText = await recurrent(
      "generate",
      mobyRun,
      "--greedy",
      "--prefix",
      "Call me",
      "--length",
      "40",
    );
    expect(mobyText.code).toBe(0);
    await dropFile(page, join(mobyRun, "checkpoints", "step-000004.safetensors")); // dropped on the page
    await page.waitForFunction(() =>
      document.querySelector("#progress")?.textContent?.includes("step-000004"),
    );
    expect(await page.textContent("#summary")).toContain(
      "trained on moby-dick, which the page cannot rebuild: generation only",
    );
    expect(await page.isDisabled("#save")).toBe(true);
    await page.fill("#prefix", "Call me");
    await page.fill("#length", "40");
    await page.click("#generate");
    await page.waitForFunction(() =>
      document.querySelector("#samples")?.textContent?.startsWith("Call me"),
    );
    expect(`${await page.textContent("#samples")}\n`).toBe(mobyText.stdout);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test("a plugin cell loaded from a dropped file trains", async () => {
    const { page, errors } = await openApp(browser, plain.url);
    await page.setInputFiles("#plugin-file", fixture("leaky-rnn-plugin.js"));
    await page.waitForFunction(
      () =>
        document.querySelector("#status")?.getAttribute("data-plugin") === "leaky-rnn-plugin.js",
    );
    expect(await page.inputValue("#cell")).toBe("fixture/leaky-rnn");
    expect(await page.inputValue('#cell-options [data-option="leak"]')).toBe("0.5");
    await setTraining(page, { steps: 80, "eval-every": 40 });
    await page.click("#start");
    await waitForState(page, "done");
    expect(await numberAttribute(page, "#metrics", "data-step")).toBe(80);
    // From about ln(57) ≈ 4.04 nats/char untrained to well below it.
    expect(await numberAttribute(page, "#metrics", "data-loss")).toBeLessThan(3.0);
    expect(await statusText(page)).toBe("");
    expect(await page.textContent("#summary")).toContain("fixture/leaky-rnn");
    await screenshot(page, "plugin-cell.png");
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test("trains two cells side by side on the noisy sine, and forecasts it", async () => {
    const { page, errors } = await openApp(browser, plain.url);
    await page.selectOption("#dataset", "sine");
    await page.fill('#cell-options [data-option="hidden"]', "32");
    await page.selectOption("#compare-cell", "gru");
    await page.fill('#compare-options [data-option="hidden"]', "32");
    await setTraining(page, { steps: 150, "eval-every": 50, bptt: 32, "batch-size": 16 });
    await page.click("#compare-start");
    await waitForState(page, "done");
    await page.waitForFunction(
      () => document.querySelector("#metrics-b")?.getAttribute("data-step") === "150",
    );
    // Scaled validation MSE: predicting the mean scores about 1; the noise alone about 0.08.
    expect(await numberAttribute(page, "#metrics", "data-loss")).toBeLessThan(0.5);
    expect(await numberAttribute(page, "#metrics-b", "data-loss")).toBeLessThan(0.5);
    await page.fill("#horizon", "100");
    await page.click("#forecast");
    await page.waitForFunction(() => document.querySelector("#forecast-note")?.textContent !== "");
    const note = (await page.textContent("#forecast-note")) ?? "";
    expect(note).toMatch(/^100 steps ahead/);
    expect(Number(/error ([\d.]+)/.exec(note)?.[1])).toBeLessThan(1);
    expect(await page.locator("#forecast-chart canvas").count()).toBe(1);
    await screenshot(page, "compare-forecast.png");
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test("with COOP/COEP the page trains on several threads, with the losses of one thread", async () => {
    const run = async (url: string) => {
      const { page, errors } = await openApp(browser, url);
      await setTraining(page, { steps: 40, "eval-every": 20 });
      await page.click("#start");
      await waitForState(page, "done");
      const result = {
        isolated: await page.evaluate(() => globalThis.crossOriginIsolated),
        threads: await numberAttribute(page, "#threads", "data-threads"),
        loss: await numberAttribute(page, "#metrics", "data-loss"),
        errors,
      };
      if (result.isolated) await screenshot(page, "threads.png");
      await page.context().close();
      return result;
    };
    const one = await run(plain.url);
    const many = await run(isolated.url);
    expect([one.isolated, one.threads]).toEqual([false, 1]);
    expect(many.isolated).toBe(true);
    expect(many.threads).toBeGreaterThan(1);
    expect(many.loss).toBe(one.loss);
    expect([...one.errors, ...many.errors]).toEqual([]);
  });
});
