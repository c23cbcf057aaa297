// Screenshots of a `recurrent note` page with headless Chromium, one PNG per
// section (plus the page's head), for the trainer README:
//
//   node apps/trainer/scripts/note-screenshots.mjs runs/note/note.html apps/trainer/docs/note
//
// Each section is cut into a page of its own (the same <head> and styles), so
// every screenshot starts at its section without scrolling. Trailing white
// space is trimmed with ImageMagick's `convert` when it is installed.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [page, outDir, ...only] = process.argv.slice(2);
if (page === undefined || outDir === undefined) {
  console.error("usage: note-screenshots.mjs <note.html> <out dir> [section ids…]");
  process.exit(2);
}
const html = readFileSync(page, "utf8");
const first = html.indexOf("<section");
const head = html.slice(0, first);
const start = head.slice(0, head.indexOf("<body>") + "<body>".length);
const sections = [...html.matchAll(/<section id="([^"]+)">[\s\S]*?<\/section>/g)];
const scratch = mkdtempSync(join(tmpdir(), "note-shots-"));
mkdirSync(outDir, { recursive: true });

function shoot(name, body, height) {
  const file = join(scratch, `${name}.html`);
  writeFileSync(file, `${start}${body}</body></html>`);
  const png = resolve(outDir, `${name}.png`);
  execFileSync(
    "/usr/bin/chromium",
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
      "--hide-scrollbars",
      `--screenshot=${png}`,
      `--window-size=1100,${height}`,
      pathToFileURL(file).href,
    ],
    { stdio: "ignore" },
  );
  try {
    execFileSync("convert", [png, "-trim", "-bordercolor", "white", "-border", "16", png]);
  } catch {
    // no ImageMagick: keep the untrimmed screenshot
  }
  console.log(png);
}

shoot("note-top", head.slice(head.indexOf("<body>") + "<body>".length), 700);
for (const [section, id] of sections) {
  if (only.length > 0 && !only.includes(id)) continue;
  shoot(`note-${id}`, section, 2600);
}
rmSync(scratch, { recursive: true, force: true });
