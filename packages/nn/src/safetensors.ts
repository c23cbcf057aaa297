/**
 * The safetensors file format (Hugging Face), written here: no JavaScript
 * package for it is well kept (none appears in the npm list this project
 * draws from; `@huggingface/hub` only parses headers of hosted files), and
 * the format is small:
 *
 *     8 bytes   header length N, unsigned 64-bit little-endian
 *     N bytes   JSON: { name: { dtype, shape, data_offsets: [begin, end] },
 *                       "__metadata__": { string: string } }   (space-padded to 8 bytes)
 *     rest      the tensors' bytes, little-endian, row-major, back to back
 *
 * Offsets count from the start of the data section. Reading checks what the
 * reference implementation checks (offsets in order, without gaps or
 * overlaps, covering the data exactly; sizes matching shapes) and throws a
 * SafetensorsError naming the problem, so a truncated or damaged file is
 * never loaded in part. Works on Uint8Array only: file I/O is the caller's.
 */
import { type DType, type Tensor, tensor } from "@recurrent/tensor";
import { fmt, SafetensorsError } from "./errors.js";

/** The dtypes we read and write, by their safetensors names. */
const formatDTypes = { F32: "float32", F64: "float64", I32: "int32" } as const;
type FormatDType = keyof typeof formatDTypes;
const byteSizes: Record<FormatDType, number> = { F32: 4, F64: 8, I32: 4 };
const fromDType: Record<DType, FormatDType> = { float32: "F32", float64: "F64", int32: "I32" };

/** Headers larger than this are refused (the reference implementation's limit). */
const maxHeaderBytes = 100_000_000;
const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface SafetensorsContents {
  readonly tensors: Record<string, Tensor>;
  readonly metadata: Record<string, string>;
}

/**
 * Serialise tensors (float32 → F32, float64 → F64, int32 → I32) and optional
 * string metadata.
 *
 * @example
 * const bytes = saveSafetensors(model.stateDict(), { epoch: "3" });
 */
export function saveSafetensors(
  tensors: Readonly<Record<string, Tensor>>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const where = "saveSafetensors";
  const header: Record<string, unknown> = {};
  if (metadata !== undefined && Object.keys(metadata).length > 0) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== "string") {
        throw new SafetensorsError(
          `${where}: metadata values must be strings, got ${typeof value} for "${key}"`,
        );
      }
    }
    header.__metadata__ = { ...metadata };
  }
  const entries = Object.entries(tensors);
  let offset = 0;
  for (const [name, t] of entries) {
    if (name === "__metadata__" || name === "") {
      throw new SafetensorsError(`${where}: a tensor cannot be named ${JSON.stringify(name)}`);
    }
    t.assertLive(where);
    const dtype = fromDType[t.dtype];
    const bytes = t.size * byteSizes[dtype];
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const spaced = new Uint8Array(padded).fill(0x20);
    spaced.set(json);
    json = spaced;
  }
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, padded, true);
  view.setUint32(4, Math.floor(padded / 2 ** 32), true);
  out.set(json, 8);
  let position = 8 + padded;
  for (const [, t] of entries) {
    const values = t.data();
    position = writeValues(out, view, position, values, t.dtype);
  }
  return out;
}

function writeValues(
  out: Uint8Array,
  view: DataView,
  position: number,
  values: ArrayLike<number> & {
    BYTES_PER_ELEMENT: number;
    buffer: ArrayBufferLike;
    byteOffset: number;
    byteLength: number;
  },
  dtype: DType,
): number {
  if (littleEndianHost) {
    out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), position);
    return position + values.byteLength;
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (dtype === "float32") view.setFloat32(position + 4 * i, v, true);
    else if (dtype === "float64") view.setFloat64(position + 8 * i, v, true);
    else view.setInt32(position + 4 * i, v, true);
  }
  return position + values.length * (dtype === "float64" ? 8 : 4);
}

interface Entry {
  readonly name: string;
  readonly dtype: FormatDType;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
}

/**
 * Parse a safetensors file. Throws a SafetensorsError for a truncated or
 * malformed file; otherwise returns every tensor (fresh copies) and the
 * metadata.
 *
 * @example
 * const { tensors, metadata } = loadSafetensors(new Uint8Array(await file.arrayBuffer()));
 */
export function loadSafetensors(bytes: Uint8Array): SafetensorsContents {
  const where = "loadSafetensors";
  if (!(bytes instanceof Uint8Array)) {
    throw new SafetensorsError(`${where}: expected a Uint8Array, got ${describe(bytes)}`);
  }
  if (bytes.length < 8) {
    throw new SafetensorsError(
      `${where}: expected at least 8 bytes (the header length), got ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerLength > maxHeaderBytes) {
    throw new SafetensorsError(
      `${where}: header length ${headerLength} is larger than the limit of ${maxHeaderBytes} bytes; this is not a safetensors file or it is damaged`,
    );
  }
  if (8 + headerLength > bytes.length) {
    throw new SafetensorsError(
      `${where}: header length ${headerLength} runs past the end of the file (${bytes.length - 8} bytes after the 8-byte length); the file is truncated or not safetensors`,
    );
  }
  const header = parseHeader(bytes.subarray(8, 8 + headerLength));
  const dataLength = bytes.length - 8 - headerLength;
  const { entries, metadata } = readEntries(header, dataLength);
  checkLayout(entries, dataLength);

  const data = bytes.subarray(8 + headerLength);
  const tensors: Record<string, Tensor> = {};
  for (const entry of entries) {
    tensors[entry.name] = tensor(readValues(data, entry), {
      shape: entry.shape,
      dtype: formatDTypes[entry.dtype],
    });
  }
  return { tensors, metadata };
}

function parseHeader(raw: Uint8Array): Record<string, unknown> {
  const where = "loadSafetensors";
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(raw);
  } catch {
    throw new SafetensorsError(`${where}: the header is not valid UTF-8`);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    throw new SafetensorsError(
      `${where}: the header is not valid JSON (${(error as Error).message})`,
    );
  }
  if (header === null || typeof header !== "object" || Array.isArray(header)) {
    throw new SafetensorsError(
      `${where}: the header must be a JSON object, got ${describe(header)}`,
    );
  }
  return header as Record<string, unknown>;
}

function readEntries(
  header: Record<string, unknown>,
  dataLength: number,
): { entries: Entry[]; metadata: Record<string, string> } {
  const where = "loadSafetensors";
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === "__metadata__") {
      if (info === null || typeof info !== "object" || Array.isArray(info)) {
        throw new SafetensorsError(
          `${where}: "__metadata__" must be an object of strings, got ${describe(info)}`,
        );
      }
      for (const [key, value] of Object.entries(info)) {
        if (typeof value !== "string") {
          throw new SafetensorsError(
            `${where}: metadata "${key}" must be a string, got ${describe(value)}`,
          );
        }
        metadata[key] = value;
      }
      continue;
    }
    const at = `${where}: tensor "${name}"`;
    if (info === null || typeof info !== "object" || Array.isArray(info)) {
      throw new SafetensorsError(
        `${at} must be an object with dtype, shape and data_offsets, got ${describe(info)}`,
      );
    }
    const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
    if (typeof dtype !== "string" || !Object.hasOwn(formatDTypes, dtype)) {
      throw new SafetensorsError(
        `${at} has dtype ${JSON.stringify(dtype)}; expected one of ${Object.keys(formatDTypes).join(", ")}`,
      );
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new SafetensorsError(
        `${at} has shape ${JSON.stringify(shape)}; expected an array of integers >= 0`,
      );
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offsets[0] > offsets[1]
    ) {
      throw new SafetensorsError(
        `${at} has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with 0 <= begin <= end`,
      );
    }
    const [begin, end] = offsets as [number, number];
    if (end > dataLength) {
      throw new SafetensorsError(
        `${at} has data_offsets [${begin},${end}] past the end of the data (${dataLength} bytes); the file is truncated`,
      );
    }
    const size = (shape as number[]).reduce((a, b) => a * b, 1) * byteSizes[dtype as FormatDType];
    if (end - begin !== size) {
      throw new SafetensorsError(
        `${at} has shape ${fmt(shape as number[])} of ${dtype} (${size} bytes), but data_offsets [${begin},${end}] hold ${end - begin} bytes`,
      );
    }
    entries.push({ name, dtype: dtype as FormatDType, shape: shape as number[], begin, end });
  }
  return { entries, metadata };
}

/** The tensors must tile the data section: sorted by offset, no overlap, no gap, nothing left over. */
function checkLayout(entries: readonly Entry[], dataLength: number): void {
  const where = "loadSafetensors";
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: Entry | undefined;
  for (const entry of sorted) {
    if (previous !== undefined && entry.begin < previous.end) {
      throw new SafetensorsError(
        `${where}: tensors "${previous.name}" [${previous.begin},${previous.end}] and "${entry.name}" [${entry.begin},${entry.end}] overlap`,
      );
    }
    if (entry.begin !== covered) {
      throw new SafetensorsError(
        `${where}: bytes ${covered}..${entry.begin} of the data belong to no tensor (tensor "${entry.name}" starts at ${entry.begin}, expected ${covered})`,
      );
    }
    covered = entry.end;
    previous = entry;
  }
  if (covered !== dataLength) {
    throw new SafetensorsError(
      `${where}: the data section has ${dataLength} bytes but the tensors cover ${covered}; the header is missing a tensor or the file has trailing bytes`,
    );
  }
}

function readValues(data: Uint8Array, entry: Entry): Float32Array | Float64Array | Int32Array {
  const count = (entry.end - entry.begin) / byteSizes[entry.dtype];
  // Copy into a fresh, aligned buffer (offsets need not be multiples of 4 or 8).
  const buffer = data.slice(entry.begin, entry.end).buffer;
  if (littleEndianHost) {
    if (entry.dtype === "F32") return new Float32Array(buffer, 0, count);
    if (entry.dtype === "F64") return new Float64Array(buffer, 0, count);
    return new Int32Array(buffer, 0, count);
  }
  const view = new DataView(buffer);
  if (entry.dtype === "F32")
    return Float32Array.from({ length: count }, (_, i) => view.getFloat32(4 * i, true));
  if (entry.dtype === "F64")
    return Float64Array.from({ length: count }, (_, i) => view.getFloat64(8 * i, true));
  return Int32Array.from({ length: count }, (_, i) => view.getInt32(4 * i, true));
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "object") return value.constructor?.name ?? "an object";
  return `${typeof value} ${String(value)}`;
}
