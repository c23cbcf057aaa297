/**
 * Sequential: layers applied one after another. A layer is a module with
 * `forward(x)` or a plain function of one tensor (an activation such as
 * `tanh`). Every layer takes an index, modules and functions alike, and
 * modules are registered under it, so `Sequential(Linear, tanh, Linear)`
 * has the keys `0.weight`, `0.bias`, `2.weight`, `2.bias`, exactly as
 * PyTorch's `nn.Sequential(nn.Linear, nn.Tanh(), nn.Linear)`.
 */
import type { Tensor } from "@recurrent/tensor";
import { check } from "./errors.js";
import { type Layer, Module } from "./module.js";

export type SequentialLayer = (Module & Layer) | ((x: Tensor) => Tensor);

export class Sequential extends Module implements Layer {
  private readonly list: SequentialLayer[] = [];

  /**
   * @example
   * const mlp = new Sequential(new Linear(4, 8, { generator }), tanh, new Linear(8, 2, { generator }));
   * mlp.forward(x); // [batch, 4] → [batch, 2]
   */
  constructor(...layers: SequentialLayer[]) {
    super();
    for (const layer of layers) this.append(layer);
  }

  /** Add a layer at the end (index `length`). */
  append(layer: SequentialLayer): this {
    const index = this.list.length;
    if (layer instanceof Module) {
      check(typeof (layer as Partial<Layer>).forward === "function", "ARGUMENT", () => {
        return `Sequential: layer ${index} (${layer.constructor.name}) must have forward(x), got none`;
      });
      this.registerModule(String(index), layer);
    } else {
      check(typeof layer === "function", "ARGUMENT", () => {
        return `Sequential: layer ${index} must be a Module with forward(x) or a function, got ${typeof layer}`;
      });
    }
    this.list.push(layer);
    return this;
  }

  /** The layers, in order. */
  get layers(): readonly SequentialLayer[] {
    return this.list;
  }

  get length(): number {
    return this.list.length;
  }

  forward(x: Tensor): Tensor {
    let y = x;
    for (const layer of this.list) y = layer instanceof Module ? layer.forward(y) : layer(y);
    return y;
  }

  override toString(): string {
    const lines = this.list.map((layer, i) => {
      const text =
        layer instanceof Module
          ? layer.toString().split("\n").join("\n  ")
          : `${layer.name || "function"}()`;
      return `  (${i}): ${text}`;
    });
    return lines.length === 0 ? "Sequential()" : `Sequential(\n${lines.join("\n")}\n)`;
  }
}
