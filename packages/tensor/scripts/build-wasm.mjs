// Compiles the AssemblyScript kernels in assembly/ to WebAssembly and embeds the binary as
// base64 in src/generated/kernels-wasm.ts, so the module loads the same way in Node and in
// browsers (no fs, no fetch). The shared-memory build, which only threads use, goes into its
// own file, src/generated/kernels-wasm-shared.ts, imported only from the threads entry points,
// so a bundle without threads does not carry it. Run from packages/tensor: `node scripts/build-wasm.mjs`
// (the package's `codegen` script). Output is deterministic for a given compiler version.
//
// Options: --emit-wat <file>   also write the text format (for reading the generated code)
//          --emit-wasm <file>  also write the raw binary (not `--wasm`: asc itself claims it)

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const entry = "assembly/index.ts";
const outFile = join(packageDir, "src/generated/kernels-wasm.ts");
const sharedOutFile = join(packageDir, "src/generated/kernels-wasm-shared.ts");
const typesOutFile = join(packageDir, "src/generated/kernel-types.ts");

/**
 * The compiler flags. SIMD on; the stub runtime (kernels never allocate); memory imported
 * from `env.memory` so JS owns the heap; `abort` aliased away so the module imports nothing
 * else; asserts compiled out; full speed optimisation.
 */
export const ascFlags = [
  "--enable",
  "simd",
  "--runtime",
  "stub",
  "--importMemory",
  "--noExportMemory",
  "--use",
  "abort=",
  "--noAssert",
  "-O3",
  "--shrinkLevel",
  "0",
  "--converge",
];

/** Maximum size of a shared memory, in 64 KiB pages (shared memories must declare one): 2 GiB. */
const sharedMaximumPages = 32768;

function parseOptions(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--emit-wat" || flag === "--emit-wasm") options[flag.slice(7)] = argv[++i];
    else throw new Error(`unknown option ${flag}`);
  }
  return options;
}

async function compile(extraArgs) {
  const outputs = {};
  const stderr = [];
  const { error } = await asc.main(
    [entry, "--outFile", "kernels.wasm", ...extraArgs, ...ascFlags, "--baseDir", packageDir],
    {
      writeFile(name, contents) {
        outputs[name] = contents;
      },
      stderr: { write: (text) => stderr.push(String(text)) },
      stdout: { write: () => {} },
    },
  );
  if (error) throw new Error(`asc failed: ${error.message}\n${stderr.join("")}`);
  return outputs;
}

// --- a minimal reader for the wasm sections we describe in the generated comment ---

const valueTypes = new Map([
  [0x7f, "i32"],
  [0x7e, "i64"],
  [0x7d, "f32"],
  [0x7c, "f64"],
  [0x7b, "v128"],
]);

function readModuleSignatures(bytes) {
  let pos = 8;
  const u32 = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[pos++];
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
  };
  const name = () => {
    const length = u32();
    const text = new TextDecoder().decode(bytes.subarray(pos, pos + length));
    pos += length;
    return text;
  };
  const types = [];
  const imports = [];
  const funcTypes = [];
  const exports = [];
  let importedFuncs = 0;
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const size = u32();
    const end = pos + size;
    if (id === 1) {
      for (let count = u32(); count > 0; count--) {
        pos++; // 0x60 func type
        const params = Array.from({ length: u32() }, () => valueTypes.get(bytes[pos++]));
        const results = Array.from({ length: u32() }, () => valueTypes.get(bytes[pos++]));
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let count = u32(); count > 0; count--) {
        const module = name();
        const field = name();
        const kind = bytes[pos++];
        imports.push(`${module}.${field}`);
        if (kind === 0) {
          funcTypes.push(u32());
          importedFuncs++;
        } else if (kind === 2) {
          const flags = bytes[pos++];
          u32();
          if (flags & 1) u32();
        } else throw new Error(`unexpected import kind ${kind}`);
      }
    } else if (id === 3) {
      for (let count = u32(); count > 0; count--) funcTypes.push(u32());
    } else if (id === 7) {
      for (let count = u32(); count > 0; count--) {
        const exportName = name();
        const kind = bytes[pos++];
        const index = u32();
        if (kind === 0) exports.push({ name: exportName, type: types[funcTypes[index]] });
      }
    }
    pos = end;
  }
  if (importedFuncs > 0) throw new Error(`kernels must import no functions, got ${imports}`);
  return { imports, exports };
}

// --- the TypeScript face of the module, read off the AssemblyScript sources ---

const tsTypes = { usize: "Ptr", i32: "number", u32: "number", f32: "number", f64: "number" };

function tsType(type, where) {
  const mapped = type === "void" ? "void" : tsTypes[type];
  if (mapped === undefined) throw new Error(`${where}: no TypeScript type for ${type}`);
  return mapped;
}

/** The doc comment right before `at` in `text` (only whitespace between), or "". */
function docBefore(text, at) {
  const before = text.slice(0, at).trimEnd();
  if (!before.endsWith("*/")) return "";
  const start = before.lastIndexOf("/**");
  return start < 0 ? "" : before.slice(start);
}

/**
 * Each file re-exported by assembly/index.ts becomes one interface (gemm.ts →
 * WasmGemmKernels) of its exported functions, with their doc comments; usize
 * parameters are pointers (`Ptr`, byte offsets), the rest numbers. `kernelNames`
 * lists them in that order (what threads use to index the kernels).
 */
function kernelTypesSource(header) {
  const index = readFileSync(join(packageDir, entry), "utf8");
  const groups = [];
  for (const match of index.matchAll(/export\s*\{([^}]*)\}\s*from\s*"\.\/([\w-]+)"/g)) {
    const names = match[1]
      .split(",")
      .map((n) => n.trim())
      .filter((n) => n !== "" && n !== "heapBase");
    if (names.length === 0) continue;
    const file = match[2];
    const text = readFileSync(join(packageDir, "assembly", `${file}.ts`), "utf8");
    const members = names.map((name) => {
      const at = text.search(new RegExp(`export function ${name}\\(`));
      if (at < 0) throw new Error(`assembly/${file}.ts: no exported function ${name}`);
      const signature = /\(([^)]*)\)\s*:\s*(\w+)/.exec(text.slice(at));
      const where = `assembly/${file}.ts ${name}`;
      const params = signature[1]
        .split(",")
        .map((p) => p.trim())
        .filter((p) => p !== "")
        .map((p) => {
          const [param, type] = p.split(":").map((part) => part.trim());
          return `${param}: ${tsType(type, where)}`;
        });
      const doc = docBefore(text, at)
        .split("\n")
        .map((line) => `  ${line.trim().startsWith("*") ? ` ${line.trim()}` : line.trim()}`)
        .join("\n");
      return `${doc === "  " ? "" : `${doc}\n`}  ${name}(${params.join(", ")}): ${tsType(signature[2], where)};`;
    });
    const interfaceName = `Wasm${file.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase())}Kernels`;
    groups.push({ file, interfaceName, names, members });
  }
  const interfaces = groups
    .map(
      (g) =>
        `/** The kernels of assembly/${g.file}.ts. */\nexport interface ${g.interfaceName} {\n${g.members.join("\n")}\n}`,
    )
    .join("\n\n");
  return `${header}
/** Byte offset into the kernels' linear memory. */
export type Ptr = number;

${interfaces}

/** Every function the kernel module exports. Pointers are byte offsets; sizes are element counts. */
export interface WasmKernels extends ${groups.map((g) => g.interfaceName).join(", ")} {
  /** First byte the JS allocator may use (everything below belongs to the module). */
  readonly heapBase: number;
}

/** Names of the kernel functions, in the order of assembly/index.ts (all but heapBase). */
export const kernelNames = ${JSON.stringify(groups.flatMap((g) => g.names))} as const;
`;
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const extra = options.wat ? ["--textFile", "kernels.wat"] : [];
  const outputs = await compile(extra);
  const binary = outputs["kernels.wasm"];
  if (!(binary instanceof Uint8Array)) throw new Error("asc produced no binary");
  if (!WebAssembly.validate(binary)) throw new Error("asc produced an invalid module");
  if (options.wat) writeFileSync(resolve(options.wat), outputs["kernels.wat"]);
  if (options.wasm) writeFileSync(resolve(options.wasm), binary);

  const sharedOutputs = await compile([
    "--sharedMemory",
    "--maximumMemory",
    String(sharedMaximumPages),
    "--enable",
    "threads",
  ]);
  const shared = sharedOutputs["kernels.wasm"];
  if (!(shared instanceof Uint8Array) || !WebAssembly.validate(shared)) {
    throw new Error("asc produced no valid shared-memory module");
  }

  const { imports, exports } = readModuleSignatures(binary);
  const signatureLines = exports
    .map(({ name, type }) => {
      const result = type.results.length ? type.results.join(", ") : "void";
      return ` *   ${name}(${type.params.join(", ")}): ${result}`;
    })
    .join("\n");
  const asVersion = JSON.parse(
    readFileSync(join(packageDir, "node_modules/assemblyscript/package.json"), "utf8"),
  ).version;
  const header = `// Generated by scripts/build-wasm.mjs from assembly/index.ts — do not edit.
// AssemblyScript ${asVersion}, flags: ${ascFlags.join(" ")}
`;
  const source = `${header}
/**
 * The WebAssembly SIMD kernels (${binary.length} bytes), base64-encoded.
 * Imports: ${imports.join(", ")}. Exported functions (wasm types; pointers are i32 byte offsets):
${signatureLines}
 */
export const kernelsWasmBase64 =
  "${Buffer.from(binary).toString("base64")}";
`;
  const sharedSource = `${header}
/**
 * The same kernels for a shared memory (\`--sharedMemory --enable threads\`, at most
 * ${sharedMaximumPages} pages, ${shared.length} bytes), which worker threads run over
 * (see threads.ts). Only the threads entry points import this file.
 */
export const kernelsWasmSharedBase64 =
  "${Buffer.from(shared).toString("base64")}";
`;
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, source);
  writeFileSync(sharedOutFile, sharedSource);
  writeFileSync(typesOutFile, kernelTypesSource(header));
  console.log(`wrote ${outFile} (${binary.length} bytes of wasm, ${exports.length} exports)`);
}

await main();
