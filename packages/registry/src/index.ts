// biome-ignore-all lint/suspicious/noEmptyInterface: the empty interfaces below are filled by plugins through declaration merging
/**
 * @recurrent/registry — the plugin contract of recurrent.
 *
 * Cells, optimizers, schedules, datasets, tokenizers, losses, initializers and
 * backends are all entries in one registry, added by plugins through
 * `registry.use(plugin)`, looked up by kind and name, and configured through
 * a zod schema that validates, fills defaults and types the factory.
 */
export { z } from "zod";
export type { ParseResult } from "./config.js";
export { parseConfig, parseEntryConfig } from "./config.js";
export type {
  ConfigInput,
  ConfigOutput,
  ConfigSchema,
  CreateContext,
  Entry,
  EntrySpec,
  EntryValue,
  MemberRef,
} from "./entry.js";
export { defineEntry } from "./entry.js";
export type { ConfigProblem, RegistryErrorCode } from "./errors.js";
export { ConfigError, RegistryError } from "./errors.js";
export type { Kind, KindInfo } from "./kinds.js";
export { builtInKinds, defineKind } from "./kinds.js";
export type { OptionInfo } from "./options.js";
export { describeOptions } from "./options.js";
export type { CheckOptionsSettings, OptionsResult } from "./plain-options.js";
export { checkOptions, optionsParser, showValue, unknownOption } from "./plain-options.js";
export type { Plugin, PluginSpec } from "./plugin.js";
export { definePlugin } from "./plugin.js";
export type {
  ConfigInputFor,
  ConfigRequest,
  EntryConfig,
  EntryFor,
  KindName,
  NameOf,
  ValueOf,
} from "./registry.js";
export { createRegistry, Registry } from "./registry.js";
export { closestName } from "./suggest.js";

/** A plain object read from JSON or a command line: a raw config, a record of a run. */
export type Json = Record<string, unknown>;

/*
 * Typed entries, filled in by plugins. A plugin that ships a cell named
 * "acme/peephole-lstm" writes
 *
 *     declare module "@recurrent/registry" {
 *       interface CellTypes { "acme/peephole-lstm": typeof peepholeLstm }
 *     }
 *
 * and `registry.create("cell", "acme/peephole-lstm", { hidden: 8 })` then
 * checks the config against that entry's schema at compile time and returns
 * what its factory returns.
 */
export interface CellTypes {}
export interface OptimizerTypes {}
export interface ScheduleTypes {}
export interface DatasetTypes {}
export interface TokenizerTypes {}
export interface LossTypes {}
export interface InitializerTypes {}
export interface BackendTypes {}

/** Kind name → the interface holding that kind's typed entries. Open: a plugin adds kinds here. */
export interface KindMap {
  cell: CellTypes;
  optimizer: OptimizerTypes;
  schedule: ScheduleTypes;
  dataset: DatasetTypes;
  tokenizer: TokenizerTypes;
  loss: LossTypes;
  initializer: InitializerTypes;
  backend: BackendTypes;
}

/**
 * Kind name → what its entries create. Open: the package that owns a value
 * type declares it (`@recurrent/optim` declares `optimizer: Optimizer`), and
 * a plugin that adds a kind with `defineKind` declares its own. Lookups of a
 * name nobody declared in `KindMap` are typed by this.
 */
export interface KindValues {}
