/**
 * A form generated from an entry's options, as `recurrent list` prints them
 * (name, type, default, description, read off its zod schema by
 * `describeOptions`): a number field, a checkbox, a choice for an enum, a
 * text field for anything else (JSON when it parses). Reading it back gives
 * the entry's config, `{ name, ...options }`; the schema itself checks it.
 */
import type { OptionInfo } from "@recurrent/registry";
import type { EntryInfo } from "../protocol.js";

function field(option: OptionInfo, prefix: string): HTMLElement {
  const label = document.createElement("label");
  label.className = "option";
  label.title = option.description ?? "";
  const name = document.createElement("span");
  name.textContent = option.name;
  label.append(name);
  const id = `${prefix}-${option.name}`;
  const choices = /^("[^"]*"( \| )?)+$/.test(option.type)
    ? (JSON.parse(`[${option.type.replace(/ \| /g, ",")}]`) as string[])
    : null;
  let input: HTMLInputElement | HTMLSelectElement;
  if (choices !== null) {
    input = document.createElement("select");
    for (const choice of choices) input.add(new Option(choice, choice));
    if (typeof option.default === "string") input.value = option.default;
  } else {
    input = document.createElement("input");
    if (option.type === "boolean") {
      input.type = "checkbox";
      input.checked = option.default === true;
    } else if (option.type === "number" || option.type === "integer") {
      input.type = "number";
      input.step = "any";
      if (option.default !== undefined) input.value = String(option.default);
    } else {
      input.type = "text";
      if (option.default !== undefined) input.value = JSON.stringify(option.default);
      input.placeholder = option.required ? "required" : "";
    }
  }
  input.id = id;
  input.dataset.option = option.name;
  input.dataset.type = option.type;
  label.append(input);
  const about = document.createElement("small");
  about.textContent = `${option.type}${option.description ? ` — ${option.description}` : ""}`;
  label.append(about);
  return label;
}

/** Fill `container` with the options of `entry`. */
export function renderOptions(container: HTMLElement, entry: EntryInfo, prefix: string): void {
  container.replaceChildren(...entry.options.map((option) => field(option, prefix)));
}

/** The entry config the form describes: `{ name, ...options }`; untouched blanks are left out. */
export function readOptions(container: HTMLElement, name: string): Record<string, unknown> {
  const config: Record<string, unknown> = { name };
  for (const input of container.querySelectorAll<HTMLInputElement | HTMLSelectElement>(
    "[data-option]",
  )) {
    const key = input.dataset.option as string;
    const type = input.dataset.type as string;
    if (input instanceof HTMLInputElement && input.type === "checkbox") {
      config[key] = input.checked;
    } else if (input.value.trim() === "") {
      // left out: the schema's default applies, or it reports the missing value
    } else if (input instanceof HTMLInputElement && input.type === "number") {
      config[key] = Number(input.value);
    } else if (input instanceof HTMLSelectElement || type === "string") {
      config[key] = input.value;
    } else {
      try {
        config[key] = JSON.parse(input.value);
      } catch {
        config[key] = input.value;
      }
    }
  }
  return config;
}

/** Set one option's field (used when a loaded checkpoint fills the form). */
export function writeOption(container: HTMLElement, key: string, value: unknown): void {
  const input = container.querySelector<HTMLInputElement | HTMLSelectElement>(
    `[data-option="${key}"]`,
  );
  if (input === null) return;
  if (input instanceof HTMLInputElement && input.type === "checkbox")
    input.checked = value === true;
  else input.value = typeof value === "string" ? value : JSON.stringify(value);
}
