/**
 * A checkpoint: named sections of tensors and JSON in one safetensors file,
 * so a resumed run gets the model, the optimizer state, the schedule and the
 * data position back from one atomic write. Each package puts its own state
 * in its own section (`model`, `optimizer`, `schedule`, …) without knowing
 * about the others.
 *
 * On disk it is an ordinary safetensors file, readable by any safetensors
 * reader:
 *   - a tensor `name` of section `s` is stored as `s.name` (so the `model`
 *     section of a PyTorch-named state dict reads `model.0.weight`);
 *   - the JSON of section `s` is the metadata string `recurrent.json.s`;
 *   - `recurrent.checkpoint` = "1" marks the format, `recurrent.sections`
 *     lists the sections in order;
 *   - `recurrent.crc32` holds a CRC-32 of every tensor's bytes and of every
 *     section's JSON (`{"tensor name": "8 hex digits", "json.section": …}`);
 *     reading checks each one, so flipped bytes are an error naming the
 *     tensor (files without it, from before, are read unchecked);
 *   - the remaining metadata strings are the caller's (`metadata`).
 * JSON keeps NaN and ±Infinity (a plateau schedule's "best so far" starts at
 * Infinity), which plain JSON would turn into null.
 */
import type { Tensor } from "@recurrent/tensor";
import { crc32, crcHex, tensorBytes } from "./crc32.js";
import { NnError } from "./errors.js";
import { loadSafetensors, saveSafetensors } from "./safetensors.js";

export interface CheckpointSection {
  /** Tensors by name (a state dict, optimizer moments, …). */
  readonly tensors?: Readonly<Record<string, Tensor>>;
  /** Any JSON-compatible value (hyper-parameters, step counts, generator state). */
  readonly json?: unknown;
}

const formatKey = "recurrent.checkpoint";
const sectionsKey = "recurrent.sections";
const jsonPrefix = "recurrent.json.";
const checksumsKey = "recurrent.crc32";
const sectionPattern = /^[A-Za-z0-9_-]+$/;

function fail(message: string): never {
  throw new NnError("CHECKPOINT", message);
}

/**
 * @example
 * const ckpt = new Checkpoint({ run: "tiny-shakespeare" })
 *   .add("model", { tensors: model.stateDict() })
 *   .add("optimizer", { tensors: moments, json: { step: 120, lr: 1e-3 } });
 * const bytes = ckpt.toBytes();
 * const back = Checkpoint.fromBytes(bytes);
 * model.loadStateDict(back.tensors("model"));
 */
export class Checkpoint {
  /** The caller's string metadata (keys must not start with "recurrent."). */
  readonly metadata: Record<string, string>;
  private readonly contents = new Map<string, { tensors: Record<string, Tensor>; json: unknown }>();

  constructor(metadata: Readonly<Record<string, string>> = {}) {
    for (const [key, value] of Object.entries(metadata)) {
      if (key.startsWith("recurrent.")) {
        fail(`Checkpoint: metadata keys starting with "recurrent." are reserved, got "${key}"`);
      }
      if (typeof value !== "string") {
        fail(`Checkpoint: metadata values must be strings, got ${typeof value} for "${key}"`);
      }
    }
    this.metadata = { ...metadata };
  }

  /** Add a section; its name is letters, digits, `_` and `-`, and must be new. */
  add(section: string, content: CheckpointSection): this {
    if (!sectionPattern.test(section)) {
      fail(
        `Checkpoint.add: expected a section name of letters, digits, "_" and "-", got ${JSON.stringify(section)}`,
      );
    }
    if (this.contents.has(section)) {
      fail(
        `Checkpoint.add: expected a new section name, got "${section}", which is already in this checkpoint`,
      );
    }
    if (content.json !== undefined) encodeJson(section, content.json); // fail now, not at toBytes()
    this.contents.set(section, { tensors: { ...(content.tensors ?? {}) }, json: content.json });
    return this;
  }

  /** Drop a section (to replace it with `add`); returns whether it was there. */
  remove(section: string): boolean {
    return this.contents.delete(section);
  }

  has(section: string): boolean {
    return this.contents.has(section);
  }

  /** Section names, in the order they were added. */
  sections(): string[] {
    return [...this.contents.keys()];
  }

  /** The tensors of `section`, by their names within it. */
  tensors(section: string): Record<string, Tensor> {
    return { ...this.section(section).tensors };
  }

  /** The JSON of `section` (undefined if it has none). */
  json<TValue = unknown>(section: string): TValue | undefined {
    return this.section(section).json as TValue | undefined;
  }

  /** Serialise to safetensors bytes. */
  toBytes(): Uint8Array {
    const tensors: Record<string, Tensor> = {};
    const metadata: Record<string, string> = {
      ...this.metadata,
      [formatKey]: "1",
      [sectionsKey]: JSON.stringify(this.sections()),
    };
    const checksums: Record<string, string> = {};
    for (const [section, { tensors: own, json }] of this.contents) {
      for (const [name, t] of Object.entries(own)) {
        tensors[`${section}.${name}`] = t;
        checksums[`${section}.${name}`] = crcHex(crc32(tensorBytes(t)));
      }
      if (json !== undefined) {
        const text = encodeJson(section, json);
        metadata[`${jsonPrefix}${section}`] = text;
        checksums[`json.${section}`] = crcHex(crc32(new TextEncoder().encode(text)));
      }
    }
    metadata[checksumsKey] = JSON.stringify(checksums);
    return saveSafetensors(tensors, metadata);
  }

  /** Read a checkpoint written by `toBytes` (any malformed file throws; see loadSafetensors). */
  static fromBytes(bytes: Uint8Array): Checkpoint {
    const where = "Checkpoint.fromBytes";
    const { tensors, metadata } = loadSafetensors(bytes);
    if (metadata[formatKey] !== "1") {
      fail(
        `${where}: expected a recurrent checkpoint (metadata "${formatKey}": "1"), got ${metadata[formatKey] === undefined ? "a plain safetensors file; read it with loadSafetensors" : `version ${JSON.stringify(metadata[formatKey])}`}`,
      );
    }
    let sections: unknown;
    try {
      sections = JSON.parse(metadata[sectionsKey] ?? "");
    } catch {
      sections = undefined;
    }
    if (
      !Array.isArray(sections) ||
      !sections.every((s) => typeof s === "string" && sectionPattern.test(s))
    ) {
      fail(
        `${where}: metadata "${sectionsKey}" must be a JSON array of section names, got ${JSON.stringify(metadata[sectionsKey])}`,
      );
    }
    verifyChecksums(where, tensors, metadata);
    const user: Record<string, string> = {};
    for (const [key, value] of Object.entries(metadata)) {
      if (!key.startsWith("recurrent.")) user[key] = value;
    }
    const grouped = new Map<string, Record<string, Tensor>>(sections.map((s) => [s, {}]));
    for (const [key, t] of Object.entries(tensors)) {
      const dot = key.indexOf(".");
      const group = dot > 0 ? grouped.get(key.slice(0, dot)) : undefined;
      if (group === undefined) {
        fail(
          `${where}: tensor "${key}" belongs to no section (sections: ${sections.join(", ") || "none"})`,
        );
      }
      group[key.slice(dot + 1)] = t;
    }
    const checkpoint = new Checkpoint(user);
    for (const section of sections) {
      const raw = metadata[`${jsonPrefix}${section}`];
      const json = raw === undefined ? undefined : decodeJson(where, section, raw);
      checkpoint.add(section, { tensors: grouped.get(section) ?? {}, json });
    }
    return checkpoint;
  }

  private section(section: string): { tensors: Record<string, Tensor>; json: unknown } {
    const found = this.contents.get(section);
    if (found === undefined) {
      const known = this.sections();
      fail(
        `Checkpoint: no section "${section}"; sections: ${known.length === 0 ? "none" : known.join(", ")}`,
      );
    }
    return found;
  }
}

/** Check every CRC-32 the file records; throws naming the first damaged tensor or section. */
function verifyChecksums(
  where: string,
  tensors: Readonly<Record<string, Tensor>>,
  metadata: Readonly<Record<string, string>>,
): void {
  const raw = metadata[checksumsKey];
  if (raw === undefined) return; // written before checksums existed
  let stored: Record<string, unknown>;
  try {
    stored = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    fail(`${where}: metadata "${checksumsKey}" is not valid JSON; the file is damaged`);
  }
  const check = (label: string, key: string, bytes: Uint8Array | undefined) => {
    const expected = stored[key];
    if (bytes === undefined) {
      fail(`${where}: ${label} has a checksum but is missing from the file; the file is damaged`);
    }
    const actual = crcHex(crc32(bytes));
    if (expected === undefined) {
      fail(`${where}: ${label} has no checksum in "${checksumsKey}"; the file is damaged`);
    }
    if (actual !== expected) {
      fail(
        `${where}: ${label} fails its checksum (crc32 ${JSON.stringify(expected)} stored, ${actual} computed); the file is damaged, its values cannot be trusted`,
      );
    }
  };
  for (const [name, t] of Object.entries(tensors)) check(`tensor "${name}"`, name, tensorBytes(t));
  for (const [key, value] of Object.entries(metadata)) {
    if (!key.startsWith(jsonPrefix)) continue;
    const section = key.slice(jsonPrefix.length);
    check(`the JSON of section "${section}"`, `json.${section}`, new TextEncoder().encode(value));
  }
  for (const key of Object.keys(stored)) {
    const present = key.startsWith("json.")
      ? metadata[`${jsonPrefix}${key.slice(5)}`] !== undefined
      : tensors[key] !== undefined;
    if (!present)
      check(
        key.startsWith("json.") ? `section "${key.slice(5)}"` : `tensor "${key}"`,
        key,
        undefined,
      );
  }
}

/** Tag for numbers JSON cannot hold. */
const nonFinite = "$recurrent.number";

function encodeJson(section: string, value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, function (this: unknown, _key: string, v: unknown) {
      if (typeof v === "number" && !Number.isFinite(v)) return { [nonFinite]: String(v) };
      return v;
    });
  } catch (error) {
    fail(
      `Checkpoint: the JSON of section "${section}" cannot be serialised: ${(error as Error).message}`,
    );
  }
  if (text === undefined) fail(`Checkpoint: the JSON of section "${section}" is not a JSON value`);
  return text;
}

function decodeJson(where: string, section: string, text: string): unknown {
  try {
    return JSON.parse(text, (_key, v: unknown) => {
      if (v !== null && typeof v === "object" && !Array.isArray(v)) {
        const keys = Object.keys(v);
        if (keys.length === 1 && keys[0] === nonFinite) {
          return Number((v as Record<string, string>)[nonFinite]);
        }
      }
      return v;
    });
  } catch (error) {
    fail(
      `${where}: the JSON of section "${section}" is not valid JSON (${(error as Error).message})`,
    );
  }
}
