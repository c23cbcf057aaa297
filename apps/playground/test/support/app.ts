/**
 * Build the playground once per test file into a fresh directory (so a test
 * never runs against a stale dist/), and the page actions the tests share.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { build } from "vite";

export const appDir = fileURLToPath(new URL("../../", import.meta.url));

export async function buildApp(): Promise<string> {
  const outDir = join(mkdtempSync(join(tmpdir(), "recurrent-playground-")), "dist");
  await build({
    root: appDir,
    configFile: join(appDir, "vite.config.ts"),
    logLevel: "warn",
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

/** Set the training fields of the form. */
export async function setTraining(
  page: Page,
  fields: Partial<Record<"steps" | "batch-size" | "bptt" | "eval-every" | "seed", number>>,
): Promise<void> {
  for (const [id, value] of Object.entries(fields)) await page.fill(`#${id}`, String(value));
}

/** Wait until the run has stopped ("done" or "paused"). */
export async function waitForState(page: Page, state: string, timeout = 120_000): Promise<void> {
  await page.waitForFunction(
    (wanted) => document.querySelector("#progress")?.getAttribute("data-state") === wanted,
    state,
    { timeout },
  );
}

export async function numberAttribute(page: Page, selector: string, name: string): Promise<number> {
  return Number(await page.getAttribute(selector, name));
}

export async function statusText(page: Page): Promise<string> {
  return (await page.textContent("#status")) ?? "";
}

/** Drop a file from disk on an element, as a user dragging it from their files would. */
export async function dropFile(page: Page, path: string, selector = "body"): Promise<void> {
  const bytes = Array.from(readFileSync(path));
  const transfer = await page.evaluateHandle(
    ({ bytes, name }) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], name));
      return data;
    },
    { bytes, name: basename(path) },
  );
  await page.dispatchEvent(selector, "drop", { dataTransfer: transfer });
}
