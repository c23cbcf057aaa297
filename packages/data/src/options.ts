/**
 * Options of this package's plain functions (synthetic data, tokenizers,
 * vocabularies) checked with the zod schema their registry entry uses, so
 * each default and rule is declared once. Problems are worded by the
 * registry's `checkOptions` (`length must be an integer >= 1, got 0`) and
 * thrown as one DataError (code INVALID_ARGUMENT).
 */
import { optionsParser } from "@recurrent/registry";
import { DataError } from "./errors.js";

/** `given` parsed by `schema`, defaults filled in and frozen; throws DataError naming `where`. */
export const parseOptions = optionsParser((message) => new DataError("INVALID_ARGUMENT", message));
