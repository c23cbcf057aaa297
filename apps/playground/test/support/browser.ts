/**
 * Headless Chromium from Debian, launched as every browser test of the
 * repository launches it (scripts/chromium.ts), driven by playwright-core:
 * no browser is downloaded. Every page records its console errors, its
 * uncaught exceptions and any request to another origin (the app must fetch
 * nothing from elsewhere), so a test can require there were none.
 */
import { type Browser, chromium, type Page } from "playwright-core";
import { chromiumLaunchOptions } from "../../../../scripts/chromium.js";

export function launchChromium(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions);
}

export interface WatchedPage {
  readonly page: Page;
  /** Console errors, uncaught exceptions and requests to other origins so far. */
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
  const origin = new URL(url).origin;
  page.on("request", (request) => {
    const target = request.url();
    if (/^(blob|data):/.test(target)) return;
    if (new URL(target).origin !== origin) errors.push(`request to another origin: ${target}`);
  });
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 60_000 });
  return { page, errors };
}
