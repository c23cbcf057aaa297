/**
 * ONNX's protobuf messages, from the `onnx-proto` package (protobufjs code
 * generated from ONNX's published onnx.proto, v1.10.2: IR version 8, opsets
 * up to 15), and the few constructors this package needs: a tensor from
 * float or integer values, an attribute, a typed graph input or output. Every
 * byte of the file is written by protobufjs; nothing here encodes by hand.
 */
import onnxProto from "onnx-proto";

export const { onnx } = onnxProto;
export type ModelProto = onnxProto.onnx.IModelProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;

/** The element types we write, by ONNX's TensorProto.DataType numbers. */
export const DataType = {
  float: onnx.TensorProto.DataType.FLOAT,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
} as const;
export type ElementType = keyof typeof DataType;

/** One dimension: a number fixes it, a string names a dynamic axis. */
export type Dim = number | string;

/** A constant tensor (an initializer), its values stored little-endian in raw_data. */
export function tensorProto(
  name: string,
  type: ElementType,
  dims: readonly number[],
  values: ArrayLike<number>,
): TensorProto {
  const raw =
    type === "float"
      ? new Uint8Array(Float32Array.from(values).buffer)
      : type === "int32"
        ? new Uint8Array(Int32Array.from(values).buffer)
        : new Uint8Array(BigInt64Array.from(Array.from(values, (v) => BigInt(v))).buffer);
  return { name, dataType: DataType[type], dims: [...dims], rawData: littleEndian(raw, type) };
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function littleEndian(bytes: Uint8Array, type: ElementType): Uint8Array {
  if (littleEndianHost) return bytes;
  const width = type === "int64" ? 8 : 4;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += width)
    for (let j = 0; j < width; j++) out[i + j] = bytes[i + width - 1 - j] as number;
  return out;
}

/** An attribute; the kind follows the value (integer, float, string, list of integers or strings). */
export function attribute(
  name: string,
  value: number | string | readonly number[] | readonly string[],
): AttributeProto {
  const { AttributeType } = onnx.AttributeProto;
  if (typeof value === "string") {
    return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  }
  if (typeof value === "number") {
    return Number.isInteger(value)
      ? { name, type: AttributeType.INT, i: value }
      : { name, type: AttributeType.FLOAT, f: value };
  }
  if (value.every((v) => typeof v === "string")) {
    return {
      name,
      type: AttributeType.STRINGS,
      strings: (value as readonly string[]).map((v) => new TextEncoder().encode(v)),
    };
  }
  return { name, type: AttributeType.INTS, ints: [...(value as readonly number[])] };
}

/** A typed graph input or output with fixed or named dimensions. */
export function valueInfo(name: string, type: ElementType, dims: readonly Dim[]): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DataType[type],
        shape: {
          dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  };
}

/** Serialise a model. */
export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

/** Parse a model into protobufjs's message (internal: its types need protobufjs's global Long). */
export function decodeModelProto(bytes: Uint8Array): onnxProto.onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}
