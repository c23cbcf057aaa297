/**
 * The bundling check: the packed libraries, installed into a scratch web
 * project outside the workspace, built by Vite (default config, build and dev
 * server) and by esbuild (default settings plus --bundle), served on
 * 127.0.0.1 and opened in headless Chromium. The page trains a small LSTM;
 * each test checks the loss fell and the console stayed free of errors.
 * Needs the packages built (`pnpm test` builds them first).
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startViteDevServer } from "./dev-server.js";
import { launchChromium, openPage } from "./open-page.js";
import { makeScratchProject, type ScratchProject } from "./scratch-project.js";
import { isolationHeaders, type StaticServer, serveDirectory } from "./static-server.js";

/**
 * The training page's JavaScript, minified and gzipped, may not grow past this (measured
 * 2026-12-03: see the tensor README's "Use in a browser"). Raise it deliberately, with the README.
 * Back to 90 KB on 2026-12-03 (it was 96 for a day): the recurrent-cell kernels left the wasm
 * module once every cell ran on the generic primitives.
 */
const trainingPageGzipLimit = 90 * 1024;

interface TrainResult {
  readonly backend?: string;
  readonly losses?: number[];
  readonly ms?: number;
  readonly error?: string;
}

interface ThreadsResult {
  readonly threads?: number;
  readonly backend?: string;
  readonly losses?: number[];
  readonly lossesEqual?: boolean;
  readonly productEqual?: boolean;
  readonly notIsolated?: string;
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

/** Builds a page folder of the scratch project with `vite build` (default config) once. */
const viteBuilds = new Map<string, string>();
function viteBuild(pageName: string): string {
  const page = join(project.dir, pageName);
  if (!viteBuilds.has(pageName)) {
    project.bin("vite", ["build", "--logLevel", "error"], page);
    viteBuilds.set(pageName, join(page, "dist"));
  }
  return viteBuilds.get(pageName) as string;
}

/** The JavaScript files of a built page, read as text. */
function scriptsOf(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".js"))
    .map((file) => readFileSync(join(dir, file), "utf8"));
}

/** The base64 string a generated kernels file of the packed tensor holds. */
function generatedBase64(name: string): string {
  const file = join(project.dir, "node_modules/@recurrent/tensor/dist/generated", name);
  const base64 = readFileSync(file, "utf8").match(/"([A-Za-z0-9+/=]{1000,})"/)?.[1] ?? "";
  expect(base64.length).toBeGreaterThan(10_000);
  return base64;
}

/** 200 characters of the shared-memory kernel build's base64 that the private-memory build lacks. */
function sharedModuleMarker(): string {
  const shared = generatedBase64("kernels-wasm-shared.js");
  const plain = generatedBase64("kernels-wasm.js");
  for (let at = 0; at + 200 <= shared.length; at += 100) {
    const piece = shared.slice(at, at + 200);
    if (!plain.includes(piece)) return piece;
  }
  throw new Error("the shared-memory build has no piece of its own");
}

describe("a training page bundled from the packed tarballs", () => {
  it("built by Vite (default config) trains an LSTM on the wasm backend", async () => {
    const run = await openPage<TrainResult>(browser, await serve(viteBuild("train")));
    expectTrained(run, "wasm");
  });

  it("bundled by esbuild (default settings) trains an LSTM on the wasm backend", async () => {
    const page = join(project.dir, "train");
    const out = join(page, "esbuild");
    mkdirSync(out, { recursive: true });
    project.bin(
      "esbuild",
      ["main.js", "--bundle", "--log-level=error", `--outfile=${join(out, "main.js")}`],
      page,
    );
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

describe("a lean training page", () => {
  it(`carries no threads-only module and stays under ${trainingPageGzipLimit / 1024} KB gzipped`, () => {
    const scripts = scriptsOf(viteBuild("train"));
    const marker = sharedModuleMarker();
    expect(scripts.some((code) => code.includes(marker))).toBe(false);
    // The check can fail: the threads page does carry the module.
    expect(scriptsOf(viteBuild("threads")).some((code) => code.includes(marker))).toBe(true);
    const gzipped = scripts.reduce((bytes, code) => bytes + gzipSync(code).length, 0);
    console.log(`training page: ${(gzipped / 1024).toFixed(1)} KB of JavaScript, gzipped`);
    expect(gzipped).toBeLessThan(trainingPageGzipLimit);
  });
});

describe("a page whose Content-Security-Policy refuses WebAssembly", () => {
  it("trains on the js backend after one warning that names 'wasm-unsafe-eval'", async () => {
    const url = await serve(viteBuild("train"), {
      "Content-Security-Policy": "script-src 'self'",
    });
    const run = await openPage<TrainResult>(browser, url);
    expectTrained(run, "js");
    const ours = run.warnings.filter((text) => text.startsWith("@recurrent"));
    expect(ours).toHaveLength(1);
    expect(ours[0]).toContain("'wasm-unsafe-eval'");
  });

  it("with 'wasm-unsafe-eval' allowed, trains on wasm with no warning", async () => {
    const url = await serve(viteBuild("train"), {
      "Content-Security-Policy": "script-src 'self' 'wasm-unsafe-eval'",
    });
    const run = await openPage<TrainResult>(browser, url);
    expectTrained(run, "wasm");
    expect(run.warnings.filter((text) => text.startsWith("@recurrent"))).toEqual([]);
  });
});

/** Two threads gave the very same losses and product as one, on a page with no console error. */
function expectBitIdentical(run: { result: ThreadsResult; errors: string[] }): void {
  expect(run.result.error).toBeUndefined();
  expect(run.errors).toEqual([]);
  expect(run.result.threads).toBe(2);
  expect(run.result.backend).toBe("wasm-threads");
  expect(run.result.losses?.every(Number.isFinite)).toBe(true);
  expect(run.result.lossesEqual).toBe(true);
  expect(run.result.productEqual).toBe(true);
}

describe("threads in a bundled page (Web Workers over a shared memory)", () => {
  it("built by Vite and served with COOP/COEP: two threads, bit-identical to one", async () => {
    const run = await openPage<ThreadsResult>(
      browser,
      await serve(viteBuild("threads"), isolationHeaders),
    );
    expectBitIdentical(run);
  });

  it("bundled by esbuild, with the worker as a second entry point: bit-identical", async () => {
    const page = join(project.dir, "threads");
    const out = join(page, "esbuild");
    project.bin(
      "esbuild",
      [
        "main.js",
        "@recurrent/tensor/thread-worker",
        "--bundle",
        "--format=esm",
        "--entry-names=[name]",
        "--log-level=error",
        `--outdir=${out}`,
      ],
      page,
    );
    copyFileSync(join(page, "index.html"), join(out, "index.html"));
    const run = await openPage<ThreadsResult>(browser, await serve(out, isolationHeaders));
    expectBitIdentical(run);
  });

  it("bundled by esbuild without the worker entry point: threadsReady says what is missing", async () => {
    const page = join(project.dir, "threads");
    const out = join(page, "esbuild-no-worker");
    project.bin(
      "esbuild",
      ["main.js", "--bundle", "--format=esm", "--log-level=error", `--outdir=${out}`],
      page,
    );
    copyFileSync(join(page, "index.html"), join(out, "index.html"));
    const run = await openPage<ThreadsResult>(browser, await serve(out, isolationHeaders));
    expect(run.result.error).toContain("threads: a worker could not start");
    expect(run.result.error).toContain("esbuild needs it as an entry point");
  });

  it("served by the Vite dev server with COOP/COEP: bit-identical", async () => {
    const page = join(project.dir, "threads");
    const dev = await startViteDevServer(project.dir, page, [
      "--config",
      "dev-isolation.config.js",
    ]);
    try {
      expectBitIdentical(await openPage<ThreadsResult>(browser, dev.url));
    } finally {
      await dev.close();
    }
  });

  it("served without COOP/COEP: enableThreads names the two headers the page needs", async () => {
    const run = await openPage<ThreadsResult>(browser, await serve(viteBuild("threads")));
    expect(run.errors).toEqual([]);
    expect(run.result.notIsolated).toContain("Cross-Origin-Opener-Policy: same-origin");
    expect(run.result.notIsolated).toContain("Cross-Origin-Embedder-Policy: require-corp");
  });
});
