/**
 * A user's plugin in the page: an ES module given as text (a dropped .js
 * file, or fetched from a same-origin URL), imported from a Blob URL. Its
 * imports of `@recurrent/*` are bare specifiers a browser cannot resolve, so
 * each is rewritten to a small module that re-exports the page's own copy
 * of that package: the plugin's cells then build on the same registry,
 * tensors and autograd tape as everything else. A plugin must be one file
 * (bundle a multi-file plugin first); its default export, or an export named
 * `plugin`, must be a plugin.
 */
import * as autograd from "@recurrent/autograd";
import * as cells from "@recurrent/cells";
import * as data from "@recurrent/data";
import * as nn from "@recurrent/nn";
import * as optim from "@recurrent/optim";
import type { Plugin } from "@recurrent/registry";
import * as registry from "@recurrent/registry";
import * as tensor from "@recurrent/tensor";

const packages: Readonly<Record<string, Record<string, unknown>>> = {
  "@recurrent/autograd": autograd,
  "@recurrent/cells": cells,
  "@recurrent/data": data,
  "@recurrent/nn": nn,
  "@recurrent/optim": optim,
  "@recurrent/registry": registry,
  "@recurrent/tensor": tensor,
};

const globalKey = "__recurrentPackages";
const shimUrls = new Map<string, string>();

/** The Blob URL of a module re-exporting the page's copy of `name`. */
function shimUrl(name: string): string {
  const cached = shimUrls.get(name);
  if (cached !== undefined) return cached;
  const namespace = packages[name] as Record<string, unknown>;
  const names = Object.keys(namespace).filter((key) => /^[A-Za-z_$][\w$]*$/.test(key));
  const source = [
    `const m = globalThis.${globalKey}[${JSON.stringify(name)}];`,
    `export const { ${names.filter((n) => n !== "default").join(", ")} } = m;`,
  ].join("\n");
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  shimUrls.set(name, url);
  return url;
}

const specifier = /((?:\bfrom|\bimport)\s*\(?\s*)(["'])(@recurrent\/[a-z-]+)\2/g;

function isPlugin(value: unknown): value is Plugin {
  const v = value as Partial<Plugin> | null;
  return (
    v !== null &&
    typeof v === "object" &&
    typeof v.name === "string" &&
    Array.isArray(v.entries) &&
    Array.isArray(v.kinds)
  );
}

/** Import a plugin module from its source text; `origin` names it in errors. */
export async function importPlugin(source: string, origin: string): Promise<Plugin> {
  (globalThis as Record<string, unknown>)[globalKey] = packages;
  const unknown: string[] = [];
  const rewritten = source.replace(
    specifier,
    (whole, head: string, quote: string, name: string) => {
      if (!(name in packages)) {
        unknown.push(name);
        return whole;
      }
      return `${head}${quote}${shimUrl(name)}${quote}`;
    },
  );
  if (unknown.length > 0) {
    throw new Error(
      `plugin ${origin}: imports ${unknown.join(", ")}, which the page does not provide; expected only ${Object.keys(packages).join(", ")}`,
    );
  }
  const url = URL.createObjectURL(new Blob([rewritten], { type: "text/javascript" }));
  let module: Record<string, unknown>;
  try {
    module = (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(
      `plugin ${origin}: importing it failed: ${(error as Error).message} (a plugin must be one ES module file; relative imports need a bundler first)`,
    );
  } finally {
    URL.revokeObjectURL(url);
  }
  const found = [module.default, module.plugin].find(isPlugin);
  if (found === undefined) {
    throw new Error(
      `plugin ${origin}: exports no plugin; expected \`export default definePlugin({ name, entries })\` from @recurrent/registry`,
    );
  }
  return found;
}
