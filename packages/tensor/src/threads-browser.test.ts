import { describe, expect, it } from "vitest";
import { enableThreads } from "./threads-browser.js";

// The browser entry point's refusal, checked where `crossOriginIsolated` is not true (Node has
// none). The isolated case runs in Chromium: scripts/bundle-check (pages served with COOP/COEP).
describe("threads in a page that is not cross-origin isolated", () => {
  it("enableThreads fails before starting anything, naming the two headers the page needs", () => {
    expect(globalThis.crossOriginIsolated).not.toBe(true);
    expect(() => enableThreads({ threads: 2 })).toThrowErrorMatchingInlineSnapshot(
      `[TensorError: enableThreads: this page is not cross-origin isolated, so it cannot share WebAssembly memory with workers; serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp]`,
    );
  });
});
