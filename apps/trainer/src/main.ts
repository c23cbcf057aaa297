#!/usr/bin/env node
/**
 * Entry point of the `recurrent` command: the real process's arguments and
 * io, handed to `run`. Run as a package script (`pnpm start`), relative
 * paths resolve against the directory the user typed the command in.
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
  script !== undefined && /[/\\]dist[/\\]main\.js$/.test(script)
    ? `node ${relative(cwd, script)}`
    : "recurrent";
process.exitCode = await run(process.argv.slice(2), processIo(cwd), { commandName });
