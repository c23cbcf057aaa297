/**
 * Headless Chromium from Debian (/usr/bin/chromium), driven by
 * playwright-core: no browser is downloaded. Every page records its console
 * errors and uncaught exceptions, so a test can require there were none.
 */
import { type Browser, chromium, type Page } from "playwright-core";

export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--no-sandbox",
      "--headless",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
    ],
  });
}

export interface WatchedPage {
  readonly page: Page;
  /** Console errors and uncaught exceptions so far. */
  readonly errors: string[];
}

export async function openApp(browser: Browser, url: string): Promise<WatchedPage> {
  const context = await browser.newContext({
    acceptDownloads: true,
    viewport: { width: 1400, height: 1000 },
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 60_000 });
  return { page, errors };
}
