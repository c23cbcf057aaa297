/**
 * Options of nn's plain functions (initialisers, losses) checked with the
 * zod schema their registry entry uses, so each default and rule is
 * declared once. Problems are worded by the registry's `checkOptions`
 * (`labelSmoothing must be in [0, 1], got 2`) and thrown as one NnError
 * (code ARGUMENT).
 */
import { optionsParser } from "@recurrent/registry";
import { NnError } from "./errors.js";

/** `given` parsed by `schema`, defaults filled in and frozen; throws NnError naming `where`. */
export const parseOptions = optionsParser((message) => new NnError("ARGUMENT", message));
