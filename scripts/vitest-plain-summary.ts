/**
 * A vitest reporter that ends the run with one plain, uncoloured line,
 * `tests: N passed, N failed, N skipped`, which CI reads. A test file that
 * failed to load counts as a failure, so a broken import is never green.
 */
import type { Reporter, TestModule } from "vitest/node";

export default class PlainSummaryReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[]): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const testModule of testModules) {
      let count = 0;
      for (const test of testModule.children.allTests()) {
        count++;
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
      }
      if (count === 0 && testModule.state() === "failed") failed++;
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
