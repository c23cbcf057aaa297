/**
 * The bundling check: the packed libraries, installed into a scratch web
 * project outside the workspace, built by Vite (default config, build and dev
 * server) and by esbuild (default settings plus --bundle), served on
 * 127.0.0.1 and opened in headless Chromium. The page trains a small LSTM;
 * each test checks the loss fell and the console stayed free of errors.
 * Needs the packages built (`pnpm test` builds them first).
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, openPage } from "./open-page.js";
import { makeScratchProject, type ScratchProject } from "./scratch-project.js";
import { type StaticServer, serveDirectory } from "./static-server.js";
import { startViteDevServer } from "./dev-server.js";

interface TrainResult {
  readonly backend?: string;
  readonly losses?: number[];
  readonly ms?: number;
  readonly error?: string;
}

let project: ScratchProject;
let browser: Browser;
const servers: StaticServer[] = [];

beforeAll(() => {
  project = makeScratchProject();
}, 180_000);

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((server) => server.close()));
  project?.remove();
});

async function serve(dir: string, headers: Record<string, string> = {}): Promise<string> {
  const server = await serveDirectory(dir, headers);
  servers.push(server);
  return server.url;
}

/** The training page trained: a finite first loss, a last loss at most 80 % of it, no console error. */
function expectTrained(run: { result: TrainResult; errors: string[] }, backend: string): void {
  expect(run.result.error).toBeUndefined();
  expect(run.errors).toEqual([]);
  expect(run.result.backend).toBe(backend);
  const losses = run.result.losses ?? [];
  expect(losses).toHaveLength(40);
  const first = losses[0] as number;
  const last = losses.at(-1) as number;
  expect(Number.isFinite(first)).toBe(true);
  expect(last).toBeLessThan(0.8 * first);
}

describe("a training page bundled from the packed tarballs", () => {
  it("built by Vite (default config) trains an LSTM on the wasm backend", async () => {
    const page = join(project.dir, "train");
    project.bin("vite", ["build", "--logLevel", "error"], page);
    const run = await openPage<TrainResult>(browser, await serve(join(page, "dist")));
    expectTrained(run, "wasm");
  });

  it("bundled by esbuild (default settings) trains an LSTM on the wasm backend", async () => {
    const page = join(project.dir, "train");
    const out = join(page, "esbuild");
    mkdirSync(out, { recursive: true });
    project.bin("esbuild", ["main.js", "--bundle", "--log-level=error", `--outfile=${join(out, "main.js")}`], page);
    copyFileSync(join(page, "index.html"), join(out, "index.html"));
    const run = await openPage<TrainResult>(browser, await serve(out));
    expectTrained(run, "wasm");
  });

  it("served by the Vite dev server trains an LSTM on the wasm backend", async () => {
    const dev = await startViteDevServer(project.dir, join(project.dir, "train"));
    try {
      const run = await openPage<TrainResult>(browser, dev.url);
      expectTrained(run, "wasm");
    } finally {
      await dev.close();
    }
  });
});
