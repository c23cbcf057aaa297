/**
 * Opens a page in headless Chromium (playwright-core, the system browser),
 * waits until it sets `window.result`, and returns that with every console
 * error, warning and uncaught exception the page produced.
 */
import { type Browser, chromium } from "playwright-core";
import { chromiumLaunchOptions } from "../chromium.js";

export interface PageRun<TResult> {
  readonly result: TResult;
  readonly errors: string[];
  readonly warnings: string[];
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions);
}

export async function openPage<TResult>(
  browser: Browser,
  url: string,
  timeoutMs = 60_000,
): Promise<PageRun<TResult>> {
  const page = await browser.newPage();
  const errors: string[] = [];
  const warnings: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
    if (message.type() === "warning") warnings.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`));
  try {
    await page.goto(url);
    await page.waitForFunction(() => "result" in window, undefined, { timeout: timeoutMs });
    const result = (await page.evaluate(() => (window as { result?: unknown }).result)) as TResult;
    return { result, errors, warnings };
  } catch (error) {
    throw new Error(
      `${url}: ${(error as Error).message}\nconsole errors: ${errors.join("\n") || "none"}`,
    );
  } finally {
    await page.close();
  }
}
