import { afterAll, describe, expect, it } from "vitest";
import { listBackends, setBackend } from "../backend.js";
import { expectClose } from "../testing/reference.js";
import { runSequenceCase, type SequenceCase } from "../testing/sequence-cases.js";

// The wasm backend's whole-recurrence kernels (assembly/sequence.ts) against the js backend,
// which composes the per-step kernels (backends/sequence.ts): same case, same seeded data.
const cases: SequenceCase[] = [];
for (const cell of ["lstm", "gru", "rnn"] as const) {
  cases.push(
    { cell, steps: 5, batch: 3, hidden: 8 },
    { cell, steps: 6, batch: 4, hidden: 6, reverse: true },
    { cell, steps: 5, batch: 3, hidden: 5, lengths: [5, 2, 0] },
    { cell, steps: 4, batch: 3, hidden: 7, lengths: [1, 4, 3], reverse: true, dy: false },
    { cell, steps: 3, batch: 1, hidden: 4, dy: false },
  );
}
cases.push({ cell: "rnn", steps: 4, batch: 2, hidden: 6, activation: "relu", lengths: [4, 3] });
// A transposed W_hh is not dense: the wasm backend runs its per-step SIMD kernels instead.
for (const cell of ["lstm", "gru", "rnn"] as const) {
  cases.push({ cell, steps: 4, batch: 3, hidden: 5, lengths: [4, 2, 3], transposedWeights: true });
}

const hasWasm = listBackends().includes("wasm");

describe.skipIf(!hasWasm)("whole-recurrence kernels: wasm equals the per-step loops", () => {
  afterAll(() => void setBackend("wasm"));

  it.each(cases)("%o", (c) => {
    setBackend("js");
    const expected = runSequenceCase(c);
    setBackend("wasm");
    const got = runSequenceCase(c);
    expect(Object.keys(got).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, want] of Object.entries(expected)) {
      expectClose(got[name] as number[], want, { rtol: 2e-5, atol: 2e-6, label: name });
    }
  });

  it.each([
    { cell: "lstm", steps: 4, batch: 3, hidden: 5, lengths: [4, 1, 2], dtype: "float64" },
    { cell: "gru", steps: 4, batch: 2, hidden: 3, reverse: true, dtype: "float64" },
    { cell: "rnn", steps: 3, batch: 2, hidden: 4, dy: false, dtype: "float64" },
  ] as SequenceCase[])("float64 runs the per-step loops on wasm too: %o", (c) => {
    setBackend("js");
    const expected = runSequenceCase(c);
    setBackend("wasm");
    const got = runSequenceCase(c);
    for (const [name, want] of Object.entries(expected)) {
      expectClose(got[name] as number[], want, { rtol: 1e-12, atol: 1e-12, label: name });
    }
  });

  it.each(["js", "wasm"])("%s: T = 0 passes the state gradient through untouched", (backend) => {
    setBackend(backend);
    for (const cell of ["lstm", "gru", "rnn"] as const) {
      const none = runSequenceCase({ cell, steps: 0, batch: 2, hidden: 4 });
      expect(none.dh).toEqual(none.dhIn);
      const one = runSequenceCase({ cell, steps: 1, batch: 2, hidden: 4 });
      expect(one.dh).not.toEqual(one.dhIn);
    }
  });
});
