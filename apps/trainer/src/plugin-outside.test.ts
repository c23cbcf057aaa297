/**
 * A plugin author outside this repository, end to end, as the cells README
 * tells it: a scratch folder in the system's temp directory (outside the
 * workspace) made from examples/plugin-template, the libraries installed
 * from tarballs that scripts/pack-libraries.mjs packs, the template built
 * with tsc, a minimal gated unit written there in TypeScript, and both
 * trained by the built trainer (`dist/main.js`, as a user runs it) through
 * --plugin: the built package, and the .ts file directly.
 *
 * The folder's own copy of @recurrent/tensor is made to throw when loaded,
 * so the runs also prove that a plugin shares the trainer's copies of the
 * libraries. Needs the trainer and the libraries built (`pnpm test` builds
 * them first).
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const trainer = join(root, "apps", "trainer", "dist", "main.js");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");

/** The cell a new user writes in their own folder: 25 lines of TypeScript, no casts. */
const minimalGatedUnit = `// The minimal gated unit (Zhou et al., 2016): one forget gate f decides how much of h to keep.
//   f = σ(W_f x + U_f h + b_f)    ĥ = tanh(W_h x + U_h (f ⊙ h) + b_h)    h' = (1 − f) ⊙ h + f ⊙ ĥ
import { defineCell } from "@recurrent/cells";
import { definePlugin, z } from "@recurrent/registry";
import { add, matMul, mul, sigmoid, sub, type Tensor, tanh } from "@recurrent/tensor";

const affine = (x: Tensor, w: Tensor, h: Tensor, u: Tensor, b: Tensor) =>
  add(add(matMul(x, w, { transposeB: true }), matMul(h, u, { transposeB: true })), b);

export const mgu = defineCell({
  name: "acme/mgu",
  description: "minimal gated unit: one forget gate",
  schema: z.object({ hidden: z.number().int().positive().default(32) }),
  params: ({ input, hidden }) => ({
    w_f: [hidden, input], u_f: [hidden, hidden], b_f: [hidden],
    w_h: [hidden, input], u_h: [hidden, hidden], b_h: [hidden],
  }),
  state: ({ batch, hidden }) => ({ h: [batch, hidden] }),
  outputSize: ({ hidden }) => hidden,
  capabilities: { recurrentWeights: ["u_f", "u_h"] },
  step(x, { h }, p) {
    const f = sigmoid(affine(x, p.w_f, h, p.u_f, p.b_f));
    const next = add(mul(sub(1, f), h), mul(f, tanh(affine(x, p.w_h, mul(f, h), p.u_h, p.b_h))));
    return { output: next, state: { h: next } };
  },
});

export default definePlugin({ name: "acme-mgu", entries: [mgu] });
`;

let scratch = "";
let project = "";

/** The environment of a user's shell: no vitest markers, not inside an npm script. */
function userEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env))
    if (key.startsWith("VITEST") || key.startsWith("npm_")) delete env[key];
  delete env.INIT_CWD;
  delete env.NODE_OPTIONS;
  return env;
}

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: "utf8", env: userEnv(), stdio: "pipe" });
}

function recurrent(...args: string[]): { code: number | null; out: string; err: string } {
  const result = spawnSync(process.execPath, [trainer, ...args], {
    cwd: scratch,
    encoding: "utf8",
    env: userEnv(),
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** The tensor names in a safetensors file's header. */
function checkpointKeys(runDir: string): string[] {
  const dir = join(runDir, "checkpoints");
  const file = join(dir, readdirSync(dir).sort().pop() as string);
  const bytes = readFileSync(file);
  const length = Number(bytes.readBigUInt64LE(0));
  return Object.keys(JSON.parse(bytes.subarray(8, 8 + length).toString("utf8")));
}

function trainLosses(runDir: string): number[] {
  return readFileSync(join(runDir, "metrics.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { type: string; loss: number })
    .filter((m) => m.type === "train")
    .map((m) => m.loss);
}

beforeAll(() => {
  if (!existsSync(trainer)) {
    throw new Error(
      `${trainer} is missing: build the trainer and libraries first (pnpm turbo run build --filter=@recurrent/trainer...)`,
    );
  }
  scratch = mkdtempSync(join(tmpdir(), "recurrent-plugin-outside-"));
  expect(relative(root, scratch).startsWith("..")).toBe(true); // outside the workspace
  project = join(scratch, "my-cells");
  cpSync(join(root, "examples", "plugin-template"), project, {
    recursive: true,
    filter: (source) => !/[\\/](node_modules|dist|vendor)$/.test(source),
  });
  run(
    process.execPath,
    [join(root, "scripts", "pack-libraries.mjs"), join(project, "vendor")],
    root,
  );
  // --omit=dev: the template's own typescript is the one below, from this repository.
  run("npm", ["install", "--omit=dev", "--no-audit", "--no-fund", "--loglevel=error"], project);
  appendFileSync(
    join(project, "node_modules", "@recurrent", "tensor", "dist", "index.js"),
    '\nthrow new Error("the plugin folder\'s own @recurrent/tensor was loaded");\n',
  );
  writeFileSync(join(project, "src", "mgu.ts"), minimalGatedUnit);
  run(process.execPath, [tsc, "-p", "tsconfig.json"], project); // strict, as the template sets it
  const words = "the whale sea ship captain ahab white call me ishmael".split(" ");
  const text = Array.from({ length: 3000 }, (_, i) => words[(i * 7 + (i >> 3)) % words.length]);
  writeFileSync(join(scratch, "tiny.txt"), text.join(" "));
}, 240_000);

afterAll(() => {
  if (scratch !== "") rmSync(scratch, { recursive: true, force: true });
});

describe("a plugin in a folder of one's own, trained by the built trainer", {
  timeout: 180_000,
}, () => {
  const common = ["--text", "tiny.txt", "--hidden", "16", "--batch-size", "8", "--bptt", "16"];

  it("the template builds with tsc, and trains as a built package (--plugin <folder>)", () => {
    expect(existsSync(join(project, "dist", "index.js"))).toBe(true);
    expect(existsSync(join(project, "dist", "mgu.d.ts"))).toBe(true);
    const { code, out, err } = recurrent(
      "train",
      "--plugin",
      "./my-cells",
      "--cell",
      "my/elman",
      "--steps",
      "5",
      "--out",
      "runs/elman",
      ...common,
    );
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out).toContain("done: 5 steps");
    expect(checkpointKeys(join(scratch, "runs", "elman"))).toContain(
      "model.recurrent.weight_hh_l0",
    );
  });

  it("trains a TypeScript cell file directly (--plugin ./my-cells/src/mgu.ts), and it learns", () => {
    const { code, err } = recurrent(
      "train",
      "--plugin",
      "./my-cells/src/mgu.ts",
      "--cell",
      "acme/mgu",
      "--steps",
      "60",
      "--lr",
      "0.01",
      "--out",
      "runs/mgu",
      ...common,
    );
    expect(err).toBe("");
    expect(code).toBe(0);
    const keys = checkpointKeys(join(scratch, "runs", "mgu"));
    for (const name of ["w_f", "u_f", "b_f", "w_h", "u_h", "b_h"])
      expect(keys).toContain(`model.recurrent.${name}_l0`);
    // 10 words: the loss must fall well below its start (≈ log of the vocabulary).
    const losses = trainLosses(join(scratch, "runs", "mgu"));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-5))).toBeLessThan(0.6 * mean(losses.slice(0, 5)));
    const listed = recurrent("list", "--kind", "cell", "--plugin", "./my-cells/src/mgu.ts");
    expect(listed.out).toContain(
      "capabilities: hidden sizes the state · tokens embedded by default · recurrent state · recurrent weights u_f, u_h",
    );
    // Trained on the path derived from its step, like a built-in, not step by step.
    const mguLines = listed.out.slice(listed.out.indexOf("  acme/mgu — "));
    expect(mguLines.split("\n").slice(0, 4)).toContain(
      "      fused: derived (generated from its step)",
    );
  });

  it("says exactly how to fix a .ts file Node would read as CommonJS", () => {
    mkdirSync(join(scratch, "loose"), { recursive: true });
    writeFileSync(join(scratch, "loose", "mgu.ts"), minimalGatedUnit);
    const { code, err } = recurrent("list", "--plugin", "./loose/mgu.ts");
    expect(code).not.toBe(0);
    const file = join(scratch, "loose", "mgu.ts");
    expect(err.trim()).toBe(
      `error: plugin ${JSON.stringify(file)}: ${file} would load as CommonJS: no package.json above it says "type": "module"; plugins are ES modules. Add "type": "module" to a package.json beside it (${join(scratch, "loose", "package.json")}), or rename it ${join(scratch, "loose", "mgu.mts")}`,
    );
  });

  it("says how to build an unbuilt plugin package, or which TypeScript entry to pass", () => {
    rmSync(join(project, "dist"), { recursive: true, force: true });
    const { code, err } = recurrent("list", "--plugin", "./my-cells");
    expect(code).not.toBe(0);
    expect(err).toContain(
      `package my-recurrent-cells has no built entry (looked for ./dist/index.js); build it first (\`npm run build\` in ${project}`,
    );
    expect(err).toContain(
      `or pass its TypeScript entry: --plugin ${join(project, "src", "index.ts")}`,
    );
  });
});
