/**
 * A small builder for one ONNX graph: nodes appended in order (ONNX wants
 * them topologically sorted, and we only ever append a node after its
 * inputs exist), constants as initializers, typed inputs and outputs, and
 * fresh value names so two layers never collide.
 */
import {
  attribute,
  type Dim,
  type ElementType,
  type NodeProto,
  type TensorProto,
  tensorProto,
  type ValueInfoProto,
  valueInfo,
} from "./proto.js";

type AttributeValue = number | string | readonly number[] | readonly string[];

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];
  private readonly used = new Set<string>();

  /** A name not used yet, based on `base`. */
  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  input(name: string, type: ElementType, dims: readonly Dim[]): string {
    this.used.add(name);
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  output(name: string, type: ElementType, dims: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, type, dims));
  }

  constant(
    base: string,
    type: ElementType,
    dims: readonly number[],
    values: ArrayLike<number>,
  ): string {
    const name = this.fresh(base);
    this.initializers.push(tensorProto(name, type, dims, values));
    return name;
  }

  /**
   * Append a node; `outputs` are the names to give its results (fresh ones
   * are made from the op type when left out). Returns the output names.
   */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
    outputs: readonly string[] | number = 1,
  ): string[] {
    const names =
      typeof outputs === "number"
        ? Array.from({ length: outputs }, () => this.fresh(opType.toLowerCase()))
        : outputs.map((o) => {
            if (o !== "") this.used.add(o);
            return o;
          });
    this.nodes.push({
      opType,
      name: this.fresh(`${opType}_node`),
      input: [...inputs],
      output: names,
      attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
    });
    return names;
  }

  /** `node` for a single result: returns its name. */
  one(
    opType: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
    outputs: readonly string[] | number = 1,
  ): string {
    return this.node(opType, inputs, attributes, outputs)[0] as string;
  }
}
