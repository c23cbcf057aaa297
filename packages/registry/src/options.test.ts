import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineEntry, type Entry } from "./entry.js";
import { describeOptions } from "./options.js";

describe("describeOptions", () => {
  it("reads names, types, defaults, required-ness and descriptions off the schema", () => {
    const entry = defineEntry({
      kind: "optimizer",
      name: "x",
      description: "",
      schema: z.object({
        lr: z.number().describe("learning rate"),
        betas: z.tuple([z.number(), z.number()]).default([0.9, 0.999]),
        mode: z.enum(["min", "max"]).default("min"),
        hidden: z.number().int().optional(),
      }),
      create: (c) => c,
    });
    expect(describeOptions(entry as unknown as Entry)).toEqual([
      { name: "lr", type: "number", required: true, description: "learning rate" },
      { name: "betas", type: "[number, number]", required: false, default: [0.9, 0.999] },
      { name: "mode", type: '"min" | "max"', required: false, default: "min" },
      { name: "hidden", type: "integer", required: false },
    ]);
  });
});
