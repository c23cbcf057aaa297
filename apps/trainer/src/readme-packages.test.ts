/**
 * The root README draws the packages' imports; this holds the drawing to the
 * package.json files, so a new dependency cannot leave it behind.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../../../", import.meta.url);

/** `name ──► a, b` lines of the README's first code block under "## Packages". */
function drawnImports(): Map<string, string[]> {
  const readme = readFileSync(new URL("README.md", root), "utf8");
  const section = readme.slice(readme.indexOf("## Packages"));
  const block = section.slice(
    section.indexOf("```") + 3,
    section.indexOf("```", section.indexOf("```") + 3),
  );
  const drawn = new Map<string, string[]>();
  for (const line of block.split("\n")) {
    const match = /^(\S+)\s+──►\s+(.+)$/.exec(line.trim());
    if (match)
      drawn.set(
        match[1] as string,
        (match[2] as string).split(",").map((s) => s.trim()),
      );
  }
  return drawn;
}

function runtimeImports(name: string): string[] {
  const json = JSON.parse(readFileSync(new URL(`packages/${name}/package.json`, root), "utf8"));
  return Object.keys(json.dependencies ?? {})
    .filter((dep) => dep.startsWith("@recurrent/"))
    .map((dep) => dep.slice("@recurrent/".length))
    .sort();
}

describe("the README's package diagram", () => {
  const drawn = drawnImports();
  const libraries = [
    "autograd",
    "nn",
    "cells",
    "optim",
    "data",
    "datasets",
    "onnx",
    "registry",
    "tensor",
  ];

  it.each(libraries)("draws exactly what %s imports", (name) => {
    expect([...(drawn.get(name) ?? [])].sort()).toEqual(runtimeImports(name));
  });

  it("draws no package that is not there", () => {
    expect([...drawn.keys()].filter((name) => !libraries.includes(name))).toEqual([]);
  });
});
