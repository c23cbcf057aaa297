/**
 * The session directly: memory stays flat over training steps (every
 * temporary freed), configured initializers apply, and schedules move the
 * learning rate.
 */
import { getBackend } from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { createTrainerRegistry } from "./builtins.js";
import { resolveConfig } from "./config.js";
import { Session } from "./session.js";
import { tinyText, workspace } from "./testing/fixtures.js";

const registry = createTrainerRegistry();

async function session(overrides: Record<string, unknown> = {}) {
  const cwd = workspace();
  const config = resolveConfig({ ...tinyText(), ...overrides }, registry);
  return Session.create(config, registry, { cwd });
}

describe("Session", () => {
  it("frees every temporary of a step: live memory is flat from step to step", async () => {
    const s = await session();
    for (let i = 0; i < 3; i++) s.trainStep();
    const before = getBackend().memory().liveBytes;
    for (let i = 0; i < 10; i++) s.trainStep();
    expect(getBackend().memory().liveBytes).toBe(before);
    s.evaluate();
    expect(getBackend().memory().liveBytes).toBe(before);
  });

  it("applies the configured initializers by parameter name pattern", async () => {
    const s = await session({
      model: {
        cell: { name: "rnn", hidden: 6 },
        embeddingSize: 4,
        init: { "recurrent.bias_*": { name: "constant", value: 0.5 } },
      },
    });
    const biases = s.model.namedParameters().filter(([name]) => name.startsWith("recurrent.bias_"));
    expect(biases.map(([name]) => name)).toEqual(["recurrent.bias_ih_l0", "recurrent.bias_hh_l0"]);
    for (const [, p] of biases) expect([...p.data()]).toEqual(new Array(6).fill(0.5));
    await expect(
      session({ model: { cell: "rnn", init: { "nothing.*": "zeros" } } }),
    ).rejects.toThrow('model.init: pattern "nothing.*" matches no parameter');
  });

  it("steps a schedule once per training step; reduce-on-plateau at evaluations", async () => {
    const cosine = await session({ schedule: { name: "cosine-annealing", tMax: 4 } });
    const rates = [0, 1, 2, 3, 4].map(() => cosine.trainStep().lr);
    expect(rates[0]).toBeCloseTo(0.01);
    expect(rates[2]).toBeCloseTo(0.005);
    expect(rates[4]).toBeCloseTo(0);
    const plateau = await session({
      schedule: { name: "reduce-on-plateau", patience: 0, factor: 0.5 },
    });
    plateau.trainStep();
    plateau.evaluate("validation", true);
    plateau.evaluate("validation", true);
    expect(plateau.optimizer.lr).toBe(0.005); // no improvement on the second evaluation
    expect(plateau.trainStep().lr).toBe(0.005);
  });
});
