/**
 * The note's page: one self-contained HTML file (inline CSS and SVG, no
 * script, nothing fetched), a section per claim in the note's order, each
 * with the claim, the note's own words, the experiment, the charts, the
 * numbers and whether each check held.
 */
import type { SectionResult } from "./section.js";

export interface NotePage {
  readonly title: string;
  readonly command: string;
  readonly date: string;
  readonly quick: boolean;
  readonly machine: string;
  readonly seconds: number;
  readonly sections: readonly SectionResult[];
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string,
  );

/** `code` spans for text between backticks; the rest escaped. */
const inline = (text: string) =>
  escapeHtml(text).replace(/`([^`]+)`/g, (_, code: string) => `<code>${code}</code>`);

function section(s: SectionResult): string {
  const checks = s.checks
    .map(
      (c) =>
        `<li class="${c.passed ? "pass" : "fail"}"><span class="mark">${c.passed ? "✓" : "✗"}</span> ${inline(c.claim)} <span class="detail">${escapeHtml(c.detail)}</span></li>`,
    )
    .join("");
  const tables = s.tables
    .map(
      (t) =>
        `<table><thead><tr>${t.header.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${t.rows
          .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`)
          .join("")}</tbody></table>`,
    )
    .join("");
  const samples =
    s.samples === undefined || s.samples.length === 0
      ? ""
      : `<div class="samples">${s.samples
          .map(
            (x) =>
              `<figure><figcaption>${escapeHtml(x.model)}</figcaption><pre>${escapeHtml(x.text)}</pre></figure>`,
          )
          .join("")}</div>`;
  return `<section id="${s.id}">
<h2>${escapeHtml(s.title)}</h2>
<p class="claim">${inline(s.claim)}</p>
<blockquote lang="ko">${escapeHtml(s.quote)}</blockquote>
<p><strong>Experiment.</strong> ${inline(s.experiment)} <span class="configs">Configs: ${s.configs
    .map((c) => `<code>configs/note/${escapeHtml(c)}</code>`)
    .join(", ")} · ${s.seconds.toFixed(0)} s.</span></p>
<div class="charts">${s.charts.join("\n")}</div>
${tables}
${samples}
<ul class="checks">${checks}</ul>
</section>`;
}

export function renderNotePage(page: NotePage): string {
  const all = page.sections.flatMap((s) => s.checks);
  const passed = all.filter((c) => c.passed).length;
  const toc = page.sections
    .map((s) => {
      const ok = s.checks.every((c) => c.passed);
      return `<li><a href="#${s.id}">${escapeHtml(s.title)}</a> <span class="${ok ? "pass" : "fail"}">${ok ? "✓" : "✗"}</span></li>`;
    })
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(page.title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1000px;padding:0 1rem;color:#222;line-height:1.45}
h1{margin-bottom:.2rem}h2{margin-top:2.5rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
.meta{color:#555;font-size:.9rem}.claim{font-size:1.08rem;font-weight:500}
blockquote{margin:.5rem 0;padding:.3rem .8rem;border-left:3px solid #bbb;color:#444;background:#fafafa}
.charts{display:flex;flex-wrap:wrap;gap:.5rem}.charts svg{max-width:100%;height:auto;border:1px solid #eee}
table{border-collapse:collapse;margin:.8rem 0;font-size:.9rem}th,td{padding:3px 10px;border-bottom:1px solid #eee;text-align:right}
th:first-child,td:first-child{text-align:left}code{background:#f3f3f3;padding:0 3px;border-radius:3px}
.samples{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:.5rem}
figure{margin:0}figcaption{font-weight:600;font-size:.85rem}pre{background:#f6f6f6;padding:6px;white-space:pre-wrap;font-size:.8rem;margin:.2rem 0}
.checks{list-style:none;padding-left:0}.checks li{margin:.2rem 0}.mark{font-weight:700}
.pass{color:#17803d}.fail{color:#b3261e}.detail{color:#555;font-size:.9rem}.configs{color:#555;font-size:.9rem}
</style></head><body>
<h1>${escapeHtml(page.title)}</h1>
<p class="meta">${escapeHtml(page.date)} · <code>${escapeHtml(page.command)}</code> · ${page.quick ? "quick (reduced budgets)" : "full"} · ${escapeHtml(page.machine)} · sections measured in ${Math.round(page.seconds)} s of wall time · checks ${passed}/${all.length} held</p>
<p>Each section takes one claim of the lecture note <em>RNN Basic</em> (<code>../shared/seed/000_8660c546fe03b6f7.txt</code>, in Korean), in the note's order, and measures it with the library. The numbers are also in <code>note.json</code> beside this page.</p>
<ol class="toc">${toc}</ol>
${page.sections.map(section).join("\n")}
</body></html>
`;
}
