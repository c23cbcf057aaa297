/**
 * An ONNX file read back as plain data: the opset, the graph's typed inputs
 * and outputs (a number fixes a dimension, a string names a dynamic axis),
 * its nodes and initializers, and the metadata. What a test, a tool or a
 * curious user checks without a runtime; the protobuf types stay inside.
 */
import { decodeModelProto, onnx, type ValueInfoProto } from "./proto.js";

export interface OnnxValue {
  readonly name: string;
  /** "float", "int32", "int64", … (ONNX's TensorProto.DataType names, lower case). */
  readonly type: string;
  readonly dims: readonly (number | string)[];
}

export interface OnnxNode {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Integer, float and string attributes (lists as arrays). */
  readonly attributes: Readonly<Record<string, number | string | readonly (number | string)[]>>;
}

export interface OnnxModelDescription {
  readonly irVersion: number;
  readonly opset: number;
  readonly producer: string;
  readonly inputs: readonly OnnxValue[];
  readonly outputs: readonly OnnxValue[];
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly { readonly name: string; readonly dims: readonly number[] }[];
  readonly metadata: Readonly<Record<string, string>>;
}

const typeNames = Object.fromEntries(
  Object.entries(onnx.TensorProto.DataType).map(([name, value]) => [value, name.toLowerCase()]),
) as Record<number, string>;

const num = (v: unknown): number => Number(v);
const text = (v: Uint8Array): string => new TextDecoder().decode(v);

/**
 * @example
 * const { inputs, nodes } = describeOnnx(exportOnnx(model));
 * nodes.map((n) => n.opType); // ["Gather", "LSTM", "Squeeze", "MatMul", "Add"]
 */
export function describeOnnx(bytes: Uint8Array): OnnxModelDescription {
  const model = decodeModelProto(bytes);
  const graph = model.graph;
  const value = (v: ValueInfoProto): OnnxValue => ({
    name: v.name ?? "",
    type: typeNames[v.type?.tensorType?.elemType ?? 0] ?? "undefined",
    dims: (v.type?.tensorType?.shape?.dim ?? []).map(
      (d: { dimParam?: string | null; dimValue?: unknown }) =>
        d.dimParam ? d.dimParam : num(d.dimValue),
    ),
  });
  const { AttributeType } = onnx.AttributeProto;
  return {
    irVersion: num(model.irVersion),
    opset: num(model.opsetImport.find((o) => (o.domain ?? "") === "")?.version ?? 0),
    producer: model.producerName,
    inputs: (graph?.input ?? []).map(value),
    outputs: (graph?.output ?? []).map(value),
    nodes: (graph?.node ?? []).map((n) => ({
      opType: n.opType ?? "",
      inputs: [...(n.input ?? [])],
      outputs: [...(n.output ?? [])],
      attributes: Object.fromEntries(
        (n.attribute ?? []).map((a) => {
          const v =
            a.type === AttributeType.INT
              ? num(a.i)
              : a.type === AttributeType.FLOAT
                ? (a.f ?? 0)
                : a.type === AttributeType.STRING
                  ? text(a.s ?? new Uint8Array())
                  : a.type === AttributeType.INTS
                    ? (a.ints ?? []).map(num)
                    : a.type === AttributeType.STRINGS
                      ? (a.strings ?? []).map(text)
                      : (a.floats ?? []);
          return [a.name ?? "", v];
        }),
      ),
    })),
    initializers: (graph?.initializer ?? []).map((t) => ({
      name: t.name ?? "",
      dims: (t.dims ?? []).map(num),
    })),
    metadata: Object.fromEntries(model.metadataProps.map((p) => [p.key ?? "", p.value ?? ""])),
  };
}
