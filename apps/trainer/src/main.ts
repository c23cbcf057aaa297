#!/usr/bin/env node
/**
 * Entry point of the `recurrent` command. For now it prints what the
 * registry holds; the training commands arrive with the trainer issue.
 */
import { createTrainerRegistry } from "./builtins.js";
import { formatRegistry } from "./list.js";

const registry = createTrainerRegistry();
process.stdout.write(`recurrent — sequence models in TypeScript\n\n${formatRegistry(registry)}\n`);
