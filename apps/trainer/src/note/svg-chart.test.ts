import { describe, expect, it } from "vitest";
import { barChart, formatTick, lineChart } from "./svg-chart.js";

describe("inline SVG charts", () => {
  it("draws one bar per finite value, a gap for a missing one, and a dashed reference line", () => {
    const svg = barChart({
      title: "a < b & c",
      categories: ["one", "two", "three"],
      series: [
        { name: "rnn", values: [0.5, null, Number.NaN] },
        { name: "lstm", values: [0.25, 1, 2] },
      ],
      yLabel: "loss",
      references: [{ label: "baseline", value: 1.5 }],
    });
    expect(svg.startsWith("<svg ")).toBe(true);
    expect(svg.match(/<rect x=[^>]*><title>/g)?.length).toBe(4); // 2 + 1 + 1 bars with tooltips
    expect(svg.match(/>–</g)?.length).toBe(2);
    expect(svg).toContain('stroke-dasharray="5 4"');
    expect(svg).toContain("a &lt; b &amp; c");
    expect(svg).not.toContain("a < b");
  });

  it("puts the taller bar higher: y grows downwards in SVG", () => {
    const svg = barChart({
      title: "t",
      categories: ["x"],
      series: [
        { name: "s", values: [1] },
        { name: "u", values: [3] },
      ],
      yLabel: "v",
    });
    const heights = [
      ...svg.matchAll(
        /<rect x="[^"]+" y="[^"]+" width="[^"]+" height="([^"]+)" fill="[^"]+"><title>/g,
      ),
    ].map((m) => Number(m[1]));
    expect(heights).toHaveLength(2);
    expect((heights[1] as number) / (heights[0] as number)).toBeCloseTo(3, 5);
  });

  it("leaves non-positive values out of a log-scaled line and labels decades", () => {
    const svg = lineChart({
      title: "flow",
      xLabel: "t",
      yLabel: "norm",
      logY: true,
      series: [
        {
          name: "a",
          points: [
            [0, 1e-6],
            [1, 0],
            [2, 1e-2],
            [3, 1],
          ],
        },
      ],
    });
    const path = svg.match(/<path d="([^"]+)"/)?.[1] ?? "";
    expect(path.split(/[ML]/).filter(Boolean)).toHaveLength(3);
    expect(svg).toContain(">1e-6<");
    expect(svg).toContain(">1e0<");
  });

  it("formats ticks briefly", () => {
    expect(formatTick(0)).toBe("0");
    expect(formatTick(0.16666)).toBe("0.167");
    expect(formatTick(123456)).toBe("1.2e+5");
    expect(formatTick(250)).toBe("250");
  });
});
