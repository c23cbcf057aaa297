#!/usr/bin/env node
/**
 * Entry point of the `recurrent` command (the package's `bin`): the real
 * process's arguments and io, handed to `run`. Run as a package script
 * (`pnpm recurrent …` at the repository root, `pnpm start`), relative paths
 * resolve against the directory the user typed the command in, and a
 * leading `--` (`pnpm … dev -- train`) is dropped.
 */
import { relative } from "node:path";
import { run } from "./cli.js";
import { processIo } from "./io.js";

const cwd =
  process.env.npm_lifecycle_event !== undefined && process.env.INIT_CWD !== undefined
    ? process.env.INIT_CWD
    : process.cwd();
const script = process.argv[1];
const commandName =
  process.env.npm_lifecycle_event === "recurrent"
    ? "pnpm recurrent"
    : script !== undefined && /[/\\]dist[/\\]main\.js$/.test(script)
      ? `node ${relative(cwd, script)}`
      : "recurrent";
const argv = process.argv.slice(2);
if (argv[0] === "--") argv.shift();
process.exitCode = await run(argv, processIo(cwd), { commandName });
