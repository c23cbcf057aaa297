import { Generator, tensor } from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { Checkpoint } from "./checkpoint.js";
import { crc32 } from "./crc32.js";
import { Linear } from "./linear.js";
import { loadSafetensors, saveSafetensors } from "./safetensors.js";
import { expectSameTensor } from "./testing/helpers.js";

describe("Checkpoint", () => {
  it("packs sections of tensors and JSON into one safetensors file and unpacks them", () => {
    const model = new Linear(3, 2, { generator: new Generator(0) });
    const moments = {
      "exp_avg.weight": tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      step: tensor([7], { dtype: "int32" }),
    };
    const optimizerJson = {
      lr: 1e-3,
      betas: [0.9, 0.999],
      best: Number.POSITIVE_INFINITY,
      worst: -Infinity,
      nan: NaN,
    };
    const bytes = new Checkpoint({ run: "demo" })
      .add("model", { tensors: model.stateDict() })
      .add("optimizer", { tensors: moments, json: optimizerJson })
      .add("schedule", { json: { epoch: 4, history: [] } })
      .toBytes();

    const back = Checkpoint.fromBytes(bytes);
    expect(back.sections()).toEqual(["model", "optimizer", "schedule"]);
    expect(back.metadata).toEqual({ run: "demo" });
    expect(Object.keys(back.tensors("model"))).toEqual(["weight", "bias"]);
    expectSameTensor(back.tensors("model").weight, model.weight, "model.weight");
    expectSameTensor(back.tensors("optimizer").step, moments.step, "optimizer.step");
    expect(back.json("optimizer")).toEqual(optimizerJson); // Infinity and NaN survive
    expect(back.json("schedule")).toEqual({ epoch: 4, history: [] });
    expect(back.json("model")).toBeUndefined();
    expect(back.tensors("schedule")).toEqual({});
    expect(back.remove("schedule")).toBe(true);
    back.add("schedule", { json: { epoch: 5 } }); // replace a section before saving again
    expect(Checkpoint.fromBytes(back.toBytes()).json("schedule")).toEqual({ epoch: 5 });

    const fresh = new Linear(3, 2, { generator: new Generator(9) });
    fresh.loadStateDict(back.tensors("model"));
    expectSameTensor(fresh.weight, model.weight, "loaded weight");
  });

  it("is a plain safetensors file with section-prefixed names underneath", () => {
    const bytes = new Checkpoint().add("model", { tensors: { "0.weight": tensor([1]) } }).toBytes();
    const { tensors, metadata } = loadSafetensors(bytes);
    expect(Object.keys(tensors)).toEqual(["model.0.weight"]);
    expect(metadata).toEqual({
      "recurrent.checkpoint": "1",
      "recurrent.sections": '["model"]',
      // zlib.crc32(struct.pack("<f", 1.0)) in Python
      "recurrent.crc32": '{"model.0.weight":"aca16a6a"}',
    });
  });

  it("finds flipped bytes: a damaged tensor or section JSON is an error naming it", () => {
    const bytes = new Checkpoint()
      .add("model", { tensors: { w: tensor([1, 2, 3, 4]), b: tensor([5]) } })
      .add("trainer", { json: { step: 12 } })
      .toBytes();
    expect(() => Checkpoint.fromBytes(bytes)).not.toThrow();
    const flippedTensor = bytes.slice();
    flippedTensor[flippedTensor.length - 17] =
      (flippedTensor[flippedTensor.length - 17] as number) ^ 0x40; // inside model.w (model.b is the last 4 bytes)
    expect(() => Checkpoint.fromBytes(flippedTensor)).toThrow(
      /tensor "model\.w" fails its checksum .*the file is damaged/,
    );
    const text = new TextDecoder().decode(bytes);
    const at = text.indexOf('{\\"step\\":12}');
    expect(at).toBeGreaterThan(0);
    const flippedJson = bytes.slice();
    flippedJson[at + 11] = "3".charCodeAt(0); // step 12 → 13: still valid JSON
    expect(() => Checkpoint.fromBytes(flippedJson)).toThrow(
      /the JSON of section "trainer" fails its checksum/,
    );
  });

  it('computes the standard CRC-32 (check value of "123456789")', () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });

  it("names what is wrong", () => {
    const c = new Checkpoint().add("model", {});
    expect(() => c.add("model", {})).toThrowErrorMatchingInlineSnapshot(
      `[NnError: Checkpoint.add: expected a new section name, got "model", which is already in this checkpoint]`,
    );
    expect(() => c.add("a.b", {})).toThrowErrorMatchingInlineSnapshot(
      `[NnError: Checkpoint.add: expected a section name of letters, digits, "_" and "-", got "a.b"]`,
    );
    expect(() => c.tensors("optimizer")).toThrowErrorMatchingInlineSnapshot(
      `[NnError: Checkpoint: no section "optimizer"; sections: model]`,
    );
    expect(() => new Checkpoint({ "recurrent.x": "1" })).toThrowErrorMatchingInlineSnapshot(
      `[NnError: Checkpoint: metadata keys starting with "recurrent." are reserved, got "recurrent.x"]`,
    );
    expect(() => c.add("bad", { json: { n: 1n } })).toThrow(
      /^Checkpoint: the JSON of section "bad" cannot be serialised: /,
    );
    expect(() =>
      Checkpoint.fromBytes(saveSafetensors({ w: tensor([1]) })),
    ).toThrowErrorMatchingInlineSnapshot(
      `[NnError: Checkpoint.fromBytes: expected a recurrent checkpoint (metadata "recurrent.checkpoint": "1"), got a plain safetensors file; read it with loadSafetensors]`,
    );
    const stray = saveSafetensors(
      { "model.w": tensor([1]), "other.w": tensor([2]) },
      { "recurrent.checkpoint": "1", "recurrent.sections": '["model"]' },
    );
    expect(() => Checkpoint.fromBytes(stray)).toThrowErrorMatchingInlineSnapshot(
      `[NnError: Checkpoint.fromBytes: tensor "other.w" belongs to no section (sections: model)]`,
    );
  });
});
