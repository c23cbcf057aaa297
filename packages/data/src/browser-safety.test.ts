/**
 * The main entry must run in a browser: no file it can reach may import a
 * Node built-in, an @stdlib dataset (they read files), or the node entry.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const src = dirname(fileURLToPath(import.meta.url));

/** Every source file the main entry reaches through relative imports. */
function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const imports = [
      ...readFileSync(file, "utf8").matchAll(/^(?:import|export)[^;]*?from\s+"([^"]+)"/gms),
    ].map((m) => m[1] as string);
    seen.set(file, imports);
    for (const spec of imports) {
      if (spec.startsWith(".")) visit(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
    }
  };
  visit(entry);
  return seen;
}

test("the main entry reaches no Node-only module", () => {
  const files = reachable(join(src, "index.ts"));
  expect(files.size).toBeGreaterThan(20);
  for (const [file, imports] of files) {
    expect(file.includes(`${join(src, "node")}`), file).toBe(false);
    for (const spec of imports) {
      expect(
        /^node:|^@stdlib\/|^(fs|path|os|readline|stream)$/.test(spec),
        `${file} imports ${spec}`,
      ).toBe(false);
    }
  }
});

test("every non-test file outside node/ is reachable from the main entry", () => {
  const files = reachable(join(src, "index.ts"));
  const all = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
      d.isDirectory() ? (d.name === "node" ? [] : all(join(dir, d.name))) : [join(dir, d.name)],
    );
  const sources = all(src).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
  expect(sources.filter((f) => !files.has(f))).toEqual([]);
});
