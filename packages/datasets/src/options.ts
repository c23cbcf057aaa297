/**
 * The plain functions' option check: a loader's zod schema, worded by the
 * registry's checkOptions, thrown as @recurrent/data's DataError (browser-safe).
 */
import { DataError } from "@recurrent/data";
import { optionsParser } from "@recurrent/registry";

export const parseOptions = optionsParser((message) => new DataError("INVALID_ARGUMENT", message));
