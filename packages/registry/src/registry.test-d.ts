import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { type ConfigInput, defineEntry, type EntryValue } from "./entry.js";
import { definePlugin } from "./plugin.js";
import { createRegistry } from "./registry.js";

interface FakeCell {
  readonly hidden: number;
  readonly layerNorm: boolean;
}

const peephole = defineEntry({
  kind: "cell",
  name: "acme/peephole-lstm",
  description: "LSTM with peephole connections",
  schema: z.object({ hidden: z.number().int().default(32), layerNorm: z.boolean().default(false) }),
  create: (config): FakeCell => {
    // The factory sees the parsed config, defaults filled in.
    expectTypeOf(config).toEqualTypeOf<{ hidden: number; layerNorm: boolean }>();
    return config;
  },
});

declare module "./index.js" {
  interface CellTypes {
    "acme/peephole-lstm": typeof peephole;
  }
}

describe("plugin typing", () => {
  it("types an entry from its schema to its factory", () => {
    expectTypeOf(peephole.kind).toEqualTypeOf<"cell">();
    expectTypeOf(peephole.name).toEqualTypeOf<"acme/peephole-lstm">();
    expectTypeOf(peephole.create).returns.toEqualTypeOf<FakeCell>();
  });

  it("types lookups of a declared entry end to end", () => {
    const registry = createRegistry().use(definePlugin({ name: "acme", entries: [peephole] }));
    expectTypeOf(registry.get("cell", "acme/peephole-lstm")).toEqualTypeOf<typeof peephole>();
    expectTypeOf(
      registry.create("cell", "acme/peephole-lstm", { hidden: 8 }),
    ).toEqualTypeOf<FakeCell>();
    expectTypeOf(registry.parse("cell", "acme/peephole-lstm", {})).toEqualTypeOf<{
      hidden: number;
      layerNorm: boolean;
    }>();
    // A wrong option type is a compile error.
    // @ts-expect-error hidden must be a number
    registry.create("cell", "acme/peephole-lstm", { hidden: "big" });
    // Undeclared names still work, untyped.
    expectTypeOf(registry.create("cell", "someone-else/cell")).toEqualTypeOf<unknown>();
  });

  it("keeps the value type of an entry that carries more than Entry (an intersection)", () => {
    type Rich = typeof peephole & { readonly step: (x: number) => number };
    expectTypeOf<EntryValue<Rich>>().toEqualTypeOf<FakeCell>();
    expectTypeOf<ConfigInput<Rich>>().toEqualTypeOf<{
      hidden?: number | undefined;
      layerNorm?: boolean | undefined;
    }>();
  });
});
