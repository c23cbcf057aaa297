import { describe, expect, it } from "vitest";
import { renderReport } from "./report.js";

describe("renderReport", () => {
  const html = renderReport({
    title: "lstm on <moby-dick>",
    summary: [["cell", "lstm"]],
    train: [
      { step: 1, loss: 4.2 },
      { step: 2, loss: 3.9 },
    ],
    validation: [{ step: 2, loss: 4.0 }],
    metric: "loss",
    gradFlow: [{ rows: ["layer 0"], norms: [[1e-3, 1e-1, 1]] }],
    samples: [{ step: 2, text: "the whale</script>" }],
  });

  it("is self-contained: the chart library is inlined, nothing is fetched", () => {
    expect(html).toContain("echarts");
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/https?:\/\/[^"']*\.js/);
  });

  it("embeds the curves and the heatmap in log10, and escapes text", () => {
    expect(html).toContain('"train":[[1,4.2],[2,3.9]]');
    expect(html).toContain('"validation":[[2,4]]');
    expect(html).toContain("[[0,0,-3],[1,0,-1],[2,0,0]]");
    expect(html).toContain("lstm on &lt;moby-dick&gt;");
    expect(html).toContain("the whale&lt;/script&gt;");
  });
});
