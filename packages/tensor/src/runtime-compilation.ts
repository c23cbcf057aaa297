/**
 * Whether this page may compile code at run time, and the one warning when
 * it may not.
 *
 * A Content-Security-Policy whose `script-src` lacks 'wasm-unsafe-eval'
 * refuses `new WebAssembly.Module`; one that lacks 'unsafe-eval' refuses
 * `new Function`. Libraries that generate or compile code probe here once,
 * fall back to plain code, and call `warnRuntimeCompilationRefused`, which
 * prints a single console warning per page however many of them call it
 * (a warning, not an error: the page still works, only slower).
 */

// The smallest valid module: the magic number and version 1.
const emptyModule = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

let wasmAllowed: boolean | undefined;
let jsAllowed: boolean | undefined;
let warned = false;

/** True when `new WebAssembly.Module` works here (false without WebAssembly, or under a CSP without 'wasm-unsafe-eval'). */
export function canCompileWasm(): boolean {
  if (wasmAllowed === undefined) {
    try {
      wasmAllowed = typeof WebAssembly === "object" && new WebAssembly.Module(emptyModule) !== null;
    } catch {
      wasmAllowed = false;
    }
  }
  return wasmAllowed;
}

/** True when `new Function(source)` works here (false under a CSP without 'unsafe-eval'). */
export function canCompileJs(): boolean {
  if (jsAllowed === undefined) {
    try {
      jsAllowed = new Function("return 1")() === 1;
    } catch {
      jsAllowed = false;
    }
  }
  return jsAllowed;
}

const cspSource = { WebAssembly: "'wasm-unsafe-eval'", JavaScript: "'unsafe-eval'" } as const;

/**
 * Warns, once per page, that compiling `what` at run time was refused and
 * what the library does instead; later calls (from any library) are silent.
 *
 * @example
 * if (!canCompileWasm()) warnRuntimeCompilationRefused("WebAssembly", "using the js backend (slower)");
 */
export function warnRuntimeCompilationRefused(
  what: keyof typeof cspSource,
  fallback: string,
): void {
  if (warned) return;
  warned = true;
  console.warn(
    `@recurrent: this page may not compile ${what} at run time, so ${fallback}. ` +
      `To allow it, add ${cspSource[what]} to the script-src of its Content-Security-Policy.`,
  );
}
