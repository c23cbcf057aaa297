/**
 * Every error the registry throws. Each has a stable `code`, so callers (the
 * trainer, tests) can branch on the kind of failure without parsing text, and
 * a message written for the person who made the mistake.
 */

export type RegistryErrorCode =
  | "DUPLICATE_ENTRY"
  | "UNKNOWN_ENTRY"
  | "UNKNOWN_KIND"
  | "DUPLICATE_KIND"
  | "INVALID_CONFIG"
  | "INVALID_PLUGIN"
  | "INVALID_VALUE";

export class RegistryError extends Error {
  override readonly name: string = "RegistryError";
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** One thing wrong with a config: where (`optimizer.lr`, `betas[1]`) and what. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

/** A config that does not fit its schema; `problems` lists every one found. */
export class ConfigError extends RegistryError {
  override readonly name = "ConfigError";
  constructor(
    readonly problems: readonly ConfigProblem[],
    title = "invalid config",
  ) {
    super("INVALID_CONFIG", formatProblems(title, problems));
  }
}

function formatProblems(title: string, problems: readonly ConfigProblem[]): string {
  const lines = problems.map((p) => `  - ${p.path === "" ? "" : `${p.path}: `}${p.message}`);
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  return `${title} (${count}):\n${lines.join("\n")}`;
}
