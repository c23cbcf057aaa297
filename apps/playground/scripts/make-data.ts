/**
 * Writes the data files the playground ships (data/), from the same @stdlib
 * packages the trainer reads, so a page and the CLI see the same names and
 * the same opening of Moby Dick. Run once; the output is committed:
 *
 *     node --import tsx --conditions=@recurrent/source apps/playground/scripts/make-data.ts
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadFirstNames, loadMobyDick } from "@recurrent/datasets";

const out = (name: string) => fileURLToPath(new URL(`../data/${name}`, import.meta.url));

// Each list once, in the lists' order; the page joins them as loadFirstNames does.
const names = {
  female: loadFirstNames({ which: "female" }),
  male: loadFirstNames({ which: "male" }),
};
writeFileSync(out("first-names.json"), `${JSON.stringify(names)}\n`);

// The opening chapters, cut at the last paragraph break before 100,000 characters.
const text = loadMobyDick();
const cut = text.lastIndexOf("\n", 100_000);
writeFileSync(out("moby-dick-excerpt.txt"), text.slice(0, cut + 1));
console.log(
  `${names.female.length} + ${names.male.length} names, ${cut + 1} characters of Moby Dick`,
);
