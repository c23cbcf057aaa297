import { Generator, tensor, transpose } from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { loadSafetensors, saveSafetensors } from "./safetensors.js";
import { expectSameTensor } from "./testing/helpers.js";

/** A file from a header (object or raw text) and `dataBytes` zero bytes of data. */
function fileOf(header: unknown, dataBytes = 0): Uint8Array {
  const json = new TextEncoder().encode(
    typeof header === "string" ? header : JSON.stringify(header),
  );
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  return out;
}

describe("saveSafetensors", () => {
  it("writes the layout by hand: u64 length, space-padded JSON, little-endian data", () => {
    const bytes = saveSafetensors({ a: tensor([1, -2], { dtype: "int32" }) });
    const json = '{"a":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}}';
    const padded = json.padEnd(Math.ceil(json.length / 8) * 8, " ");
    expect(padded.length).toBe(56);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([56, 0, 0, 0, 0, 0, 0, 0]);
    expect(new TextDecoder().decode(bytes.subarray(8, 64))).toBe(padded);
    expect(Array.from(bytes.subarray(64))).toEqual([1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff]);
  });

  it("round-trips every dtype, scalars, empty tensors, strided views and metadata exactly", () => {
    const g = new Generator(0);
    const tensors = {
      f32: g.normal([3, 4]),
      f64: g.normal([2, 2, 2], 0, 1, "float64"),
      i32: tensor([[-2147483648, 0, 2147483647]], { dtype: "int32" }),
      scalar: tensor(3.25),
      empty: tensor(new Float32Array(0), { shape: [0, 5] }),
      special: tensor([Number.NaN, Number.POSITIVE_INFINITY, -0, 1e-45]),
      view: transpose(g.normal([2, 3])),
    };
    const metadata = { format: "pt", note: "héllo ✓" };
    const back = loadSafetensors(saveSafetensors(tensors, metadata));
    expect(back.metadata).toEqual(metadata);
    expect(Object.keys(back.tensors)).toEqual(Object.keys(tensors));
    for (const [name, t] of Object.entries(tensors)) expectSameTensor(back.tensors[name], t, name);
    expect(Object.is(back.tensors.special?.data()[2], -0)).toBe(true);
  });

  it("reads a file whose data starts at an unaligned offset", () => {
    const header = '{"x":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}} '; // 57 bytes: data at byte 65
    expect((8 + header.length) % 8).not.toBe(0);
    const bytes = fileOf(header, 8);
    new DataView(bytes.buffer).setFloat64(8 + header.length, 0.1, true);
    expect(loadSafetensors(bytes).tensors.x?.item()).toBe(0.1);
  });

  it("refuses names and metadata it cannot write", () => {
    expect(() => saveSafetensors({ __metadata__: tensor([1]) })).toThrowErrorMatchingInlineSnapshot(
      `[SafetensorsError: saveSafetensors: a tensor cannot be named "__metadata__"]`,
    );
    expect(() =>
      saveSafetensors({}, { n: 3 as unknown as string }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[SafetensorsError: saveSafetensors: metadata values must be strings, got number for "n"]`,
    );
  });
});

describe("loadSafetensors rejects malformed files with a clear error", () => {
  const good = saveSafetensors({ a: tensor([1, 2, 3]), b: tensor([4], { dtype: "int32" }) });
  const entry = (dtype: string, shape: unknown, offsets: unknown) => ({
    dtype,
    shape,
    data_offsets: offsets,
  });

  it.each([
    [
      "shorter than the length field",
      new Uint8Array(5),
      "loadSafetensors: expected at least 8 bytes (the header length), got 5",
    ],
    [
      "header length past the end",
      (() => {
        const b = fileOf({}, 0);
        new DataView(b.buffer).setUint32(0, 1000, true);
        return b;
      })(),
      "loadSafetensors: header length 1000 runs past the end of the file (2 bytes after the 8-byte length); the file is truncated or not safetensors",
    ],
    [
      "absurd header length",
      (() => {
        const b = new Uint8Array(16);
        new DataView(b.buffer).setUint32(4, 1, true); // 2^32
        return b;
      })(),
      "loadSafetensors: header length 4294967296 is larger than the limit of 100000000 bytes; this is not a safetensors file or it is damaged",
    ],
    [
      "header not UTF-8",
      (() => {
        const b = new Uint8Array(10);
        new DataView(b.buffer).setUint32(0, 2, true);
        b.set([0xff, 0xfe], 8);
        return b;
      })(),
      "loadSafetensors: the header is not valid UTF-8",
    ],
    ["header not JSON", fileOf('{"a": '), /^loadSafetensors: the header is not valid JSON \(.+\)$/],
    [
      "header not an object",
      fileOf("[1,2]"),
      "loadSafetensors: the header must be a JSON object, got an array",
    ],
    [
      "entry not an object",
      fileOf({ a: 3 }),
      'loadSafetensors: tensor "a" must be an object with dtype, shape and data_offsets, got number 3',
    ],
    [
      "unknown dtype",
      fileOf({ a: entry("BF16", [2], [0, 4]) }, 4),
      'loadSafetensors: tensor "a" has dtype "BF16"; expected one of F32, F64, I32',
    ],
    [
      "bad shape",
      fileOf({ a: entry("F32", [2, -1], [0, 4]) }, 4),
      'loadSafetensors: tensor "a" has shape [2,-1]; expected an array of integers >= 0',
    ],
    [
      "offsets the wrong way round",
      fileOf({ a: entry("F32", [1], [4, 0]) }, 4),
      'loadSafetensors: tensor "a" has data_offsets [4,0]; expected [begin, end] with 0 <= begin <= end',
    ],
    [
      "offsets past the data (truncated)",
      good.subarray(0, good.length - 3),
      'loadSafetensors: tensor "b" has data_offsets [12,16] past the end of the data (13 bytes); the file is truncated',
    ],
    [
      "size does not match the shape",
      fileOf({ a: entry("F32", [2, 3], [0, 20]) }, 20),
      'loadSafetensors: tensor "a" has shape [2,3] of F32 (24 bytes), but data_offsets [0,20] hold 20 bytes',
    ],
    [
      "overlapping tensors",
      fileOf({ a: entry("F32", [2], [0, 8]), b: entry("F32", [2], [4, 12]) }, 12),
      'loadSafetensors: tensors "a" [0,8] and "b" [4,12] overlap',
    ],
    [
      "a gap between tensors",
      fileOf({ a: entry("F32", [1], [0, 4]), b: entry("F32", [1], [8, 12]) }, 12),
      'loadSafetensors: bytes 4..8 of the data belong to no tensor (tensor "b" starts at 8, expected 4)',
    ],
    [
      "trailing bytes",
      fileOf({ a: entry("F32", [1], [0, 4]) }, 9),
      "loadSafetensors: the data section has 9 bytes but the tensors cover 4; the header is missing a tensor or the file has trailing bytes",
    ],
    [
      "metadata not an object",
      fileOf({ __metadata__: ["x"] }),
      'loadSafetensors: "__metadata__" must be an object of strings, got an array',
    ],
    [
      "metadata value not a string",
      fileOf({ __metadata__: { epoch: 3 } }),
      'loadSafetensors: metadata "epoch" must be a string, got number 3',
    ],
  ] as const)("%s", (_, bytes, message) => {
    let error: unknown;
    try {
      loadSafetensors(bytes);
    } catch (e) {
      error = e;
    }
    expect(error, "must throw").toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: "SafetensorsError", code: "SAFETENSORS" });
    if (typeof message === "string") expect((error as Error).message).toBe(message);
    else expect((error as Error).message).toMatch(message);
  });

  it("every truncation of a valid file is refused, never loaded in part", () => {
    for (let n = 0; n < good.length; n++) {
      expect(() => loadSafetensors(good.subarray(0, n)), `truncated to ${n} bytes`).toThrow(
        /^loadSafetensors: /,
      );
    }
    expect(Object.keys(loadSafetensors(good).tensors)).toEqual(["a", "b"]);
  });

  it("refuses a non-Uint8Array", () => {
    expect(() =>
      loadSafetensors([1, 2] as unknown as Uint8Array),
    ).toThrowErrorMatchingInlineSnapshot(
      `[SafetensorsError: loadSafetensors: expected a Uint8Array, got an array]`,
    );
  });
});
