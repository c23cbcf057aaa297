import { defineEntry, definePlugin, z } from "@recurrent/registry";
import { describe, expect, it } from "vitest";
import { createTrainerRegistry } from "./builtins.js";
import { formatRegistry } from "./list.js";

describe("formatRegistry", () => {
  it("prints every kind with its entries, options, types and defaults", () => {
    const plugin = definePlugin({
      name: "demo",
      entries: [
        defineEntry({
          kind: "optimizer",
          name: "sgd",
          description: "stochastic gradient descent",
          schema: z.object({
            lr: z.number().min(0).describe("learning rate"),
            momentum: z.number().default(0),
          }),
          create: (c) => c,
        }),
      ],
    });
    const text = formatRegistry(createTrainerRegistry([plugin]));
    expect(text).toContain("cell — recurrent cells");
    expect(text).toContain("(0)");
    expect(text).toContain(
      [
        "optimizer — parameter update rules (SGD, Adam, …) (1)",
        "  sgd — stochastic gradient descent",
        "      lr: number (required) — learning rate",
        "      momentum: number (default 0)",
      ].join("\n"),
    );
  });
});
