/**
 * Module: a tree of named parameters, buffers and sub-modules, as in
 * PyTorch. Registration is explicit (`registerParameter`, `registerModule`,
 * `registerBuffer`) and ordered, so `namedParameters()` and `stateDict()`
 * list keys in the same order every time, with PyTorch's dotted names
 * (`encoder.weight`, `0.bias`), which is what lets a state dict mean the
 * same thing here and in PyTorch.
 *
 * A module has no `forward` of its own: signatures differ (a layer maps a
 * tensor to a tensor, a recurrent layer returns a state too). Modules that
 * map one tensor to one tensor implement `Layer`.
 */
import { detach, zeroGrad } from "@recurrent/autograd";
import type { Tensor } from "@recurrent/tensor";
import { check, NnError } from "./errors.js";
import { Parameter } from "./parameter.js";
import { type LoadStateDictOptions, type LoadStateDictResult, loadInto } from "./state-dict.js";

/** A module (or anything) that maps one tensor to one tensor. */
export interface Layer {
  forward(x: Tensor): Tensor;
}

export interface BufferOptions {
  /** Whether the buffer is part of the state dict (default true, as PyTorch). */
  persistent?: boolean;
}

const namePattern = /^[^.]+$/;

export class Module {
  /** True in training mode (the default), false after `eval()`; see `train`. */
  training = true;
  private readonly ownParameters = new Map<string, Parameter>();
  private readonly ownBuffers = new Map<string, { tensor: Tensor; persistent: boolean }>();
  private readonly ownModules = new Map<string, Module>();

  /**
   * Register `value` as the parameter `name` of this module; a plain tensor is
   * wrapped in a Parameter (sharing its storage). Returns the parameter.
   *
   * @example
   * this.weight = this.registerParameter("weight", zeros([out, inp]));
   */
  registerParameter(name: string, value: Tensor): Parameter {
    this.checkName("registerParameter", name);
    const parameter = value instanceof Parameter ? value : new Parameter(value);
    this.ownParameters.set(name, parameter);
    return parameter;
  }

  /** Register a tensor that is state but not trained (a running statistic, a mask). */
  registerBuffer(name: string, tensor: Tensor, options: BufferOptions = {}): Tensor {
    this.checkName("registerBuffer", name);
    check(tensor.isContiguous, "REGISTRATION", () => {
      return `registerBuffer: expected a contiguous tensor for "${name}", got a strided view (pass contiguous(t))`;
    });
    this.ownBuffers.set(name, { tensor, persistent: options.persistent ?? true });
    return tensor;
  }

  /** Register `module` as the child `name`; its parameters appear as `name.…`. */
  registerModule<TModule extends Module>(name: string, module: TModule): TModule {
    this.checkName("registerModule", name);
    check(module instanceof Module, "REGISTRATION", () => {
      return `registerModule: expected a Module for "${name}", got ${typeof module}`;
    });
    this.ownModules.set(name, module);
    return module;
  }

  /**
   * Every parameter with its dotted name, this module's first, then each
   * child's in registration order. A parameter shared by two modules is
   * listed once, under its first name (as PyTorch).
   */
  namedParameters(prefix = ""): [string, Parameter][] {
    const seen = new Set<Parameter>();
    const out: [string, Parameter][] = [];
    for (const [path, module] of this.namedModules(prefix)) {
      for (const [name, parameter] of module.ownParameters) {
        if (seen.has(parameter)) continue;
        seen.add(parameter);
        out.push([join(path, name), parameter]);
      }
    }
    return out;
  }

  /** Every parameter, in the order of `namedParameters()`. */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Every buffer with its dotted name. */
  namedBuffers(prefix = ""): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [path, module] of this.namedModules(prefix)) {
      for (const [name, { tensor }] of module.ownBuffers) out.push([join(path, name), tensor]);
    }
    return out;
  }

  /** The direct sub-modules with their names. */
  namedChildren(): [string, Module][] {
    return [...this.ownModules];
  }

  /** The direct sub-modules, in registration order. */
  children(): Module[] {
    return [...this.ownModules.values()];
  }

  /** This module (named `prefix`, "" by default) and every descendant, depth first. */
  namedModules(prefix = ""): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const visit = (path: string, module: Module) => {
      if (seen.has(module)) return;
      seen.add(module);
      out.push([path, module]);
      for (const [name, child] of module.ownModules) visit(join(path, name), child);
    };
    visit(prefix, this);
    return out;
  }

  /** This module and every descendant. */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /**
   * Set training mode (`true`) or evaluation mode (`false`) on this module
   * and every descendant. Dropout is the identity in evaluation mode.
   */
  train(mode = true): this {
    for (const module of this.modules()) module.training = mode;
    return this;
  }

  /** `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Drop the gradients of every parameter. */
  zeroGrad(): void {
    zeroGrad(this.parameters());
  }

  /**
   * Parameters and persistent buffers by dotted name, in PyTorch's order
   * (a module's parameters, then its buffers, then each child's). The values
   * share storage with the module (writing them writes the module) and do not
   * require gradients. Shared parameters appear under every name, as in
   * PyTorch.
   */
  stateDict(prefix = ""): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [key, tensor] of this.stateEntries(prefix)) out[key] = detach(tensor);
    return out;
  }

  /**
   * Copy `dict` into this module's parameters and buffers, in place.
   *
   * Every problem is found before anything is written, and all of them are
   * reported in one `StateDictError` with both shapes: missing and unexpected
   * keys (when `strict`, the default) and shape or dtype mismatches (always).
   * Nothing is copied unless everything fits. float32 and float64 convert.
   *
   * @example
   * model.loadStateDict(loadSafetensors(bytes).tensors);
   */
  loadStateDict(
    dict: Readonly<Record<string, Tensor>>,
    options: LoadStateDictOptions = {},
  ): LoadStateDictResult {
    return loadInto(this.stateEntries(""), dict, options, this.constructor.name);
  }

  /** What this module adds to its line in `toString()`, e.g. `in=4, out=3`. */
  protected extraRepr(): string {
    return "";
  }

  /** The module tree, one line per module, PyTorch-style. */
  toString(): string {
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (this.ownModules.size === 0) return `${head})`;
    const lines = [...this.ownModules].map(([name, child]) => {
      const text = child.toString().split("\n").join("\n  ");
      return `  (${name}): ${text}`;
    });
    return `${head}\n${lines.join("\n")}\n)`;
  }

  /** @internal the live tensors behind `stateDict`, with their keys. */
  stateEntries(prefix: string): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [path, module] of this.namedModulesForState(prefix)) {
      for (const [name, parameter] of module.ownParameters) out.push([join(path, name), parameter]);
      for (const [name, buffer] of module.ownBuffers) {
        if (buffer.persistent) out.push([join(path, name), buffer.tensor]);
      }
    }
    return out;
  }

  /** Like namedModules, but a module reachable by two paths is listed under both (as state_dict does). */
  private namedModulesForState(prefix: string): [string, Module][] {
    const out: [string, Module][] = [];
    const visit = (path: string, module: Module, depth: number) => {
      check(depth < 64, "REGISTRATION", () => `stateDict: module tree deeper than 64 at "${path}"`);
      out.push([path, module]);
      for (const [name, child] of module.ownModules) visit(join(path, name), child, depth + 1);
    };
    visit(prefix, this, 0);
    return out;
  }

  private checkName(where: string, name: string): void {
    if (typeof name !== "string" || !namePattern.test(name)) {
      throw new NnError(
        "REGISTRATION",
        `${where}: expected a non-empty name without ".", got ${JSON.stringify(name)}`,
      );
    }
    const taken = this.ownParameters.has(name)
      ? "a parameter"
      : this.ownBuffers.has(name)
        ? "a buffer"
        : this.ownModules.has(name)
          ? "a sub-module"
          : undefined;
    if (taken !== undefined) {
      throw new NnError(
        "REGISTRATION",
        `${where}: expected a new name, got "${name}", which is already ${taken} of ${this.constructor.name}`,
      );
    }
  }
}

function join(prefix: string, name: string): string {
  return prefix === "" ? name : `${prefix}.${name}`;
}
