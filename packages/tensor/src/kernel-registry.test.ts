import { afterEach, describe, expect, it } from "vitest";
import {
  getRegisteredKernel,
  kernel,
  listRegisteredKernels,
  registerKernel,
  setBackend,
  tensor,
  unregisterKernel,
  type View,
} from "./index.js";

declare module "./kernel-registry.js" {
  interface KernelTypes {
    /** y += alpha·x over dense views (a test kernel). */
    testAxpy(alpha: number, x: View, y: View): void;
  }
}

const axpy = (alpha: number, x: View, y: View) => {
  for (let i = 0; i < (x.shape[0] as number); i++) {
    y.storage.array[y.offset + i] =
      (y.storage.array[y.offset + i] as number) + alpha * (x.storage.array[x.offset + i] as number);
  }
};

describe("the open kernel registry", () => {
  afterEach(() => {
    for (const key of listRegisteredKernels()) {
      const [backend, name] = key.split("/") as [string, "testAxpy"];
      unregisterKernel(name, backend);
    }
    setBackend("wasm");
  });

  it.each(["js", "wasm"])("a kernel registered for js serves %s (host memory)", (backend) => {
    setBackend(backend);
    registerKernel({ kernelName: "testAxpy", backendName: "js", kernelFunc: axpy });
    const x = tensor([1, 2, 3]);
    const y = tensor([10, 20, 30]);
    kernel("testAxpy")(2, x, y);
    expect(Array.from(y.data())).toEqual([12, 24, 36]);
  });

  it("a kernel registered for a backend comes before that backend's own and js's", () => {
    setBackend("wasm");
    const calls: string[] = [];
    registerKernel({
      kernelName: "testAxpy",
      backendName: "js",
      kernelFunc: () => calls.push("js"),
    });
    registerKernel({
      kernelName: "testAxpy",
      backendName: "wasm",
      kernelFunc: () => calls.push("wasm"),
    });
    const x = tensor([1]);
    kernel("testAxpy")(1, x, x);
    setBackend("js");
    kernel("testAxpy")(1, x, x);
    expect(calls).toEqual(["wasm", "js"]);
    expect(listRegisteredKernels("wasm")).toEqual(["testAxpy"]);
    expect(getRegisteredKernel("testAxpy", "wasm")).toBeTypeOf("function");
  });

  it("says what is wrong: a duplicate, an unknown kernel, a missing one", () => {
    registerKernel({ kernelName: "testAxpy", backendName: "js", kernelFunc: axpy });
    expect(() =>
      registerKernel({ kernelName: "testAxpy", backendName: "js", kernelFunc: axpy }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[TensorError: registerKernel: the kernel 'testAxpy' for backend 'js' is already registered; unregisterKernel it first to replace it]`,
    );
    expect(() => unregisterKernel("testAxpy", "webgpu")).toThrowErrorMatchingInlineSnapshot(
      `[TensorError: unregisterKernel: the kernel 'testAxpy' for backend 'webgpu' is not registered]`,
    );
    unregisterKernel("testAxpy", "js");
    expect(() => kernel("testAxpy")).toThrowErrorMatchingInlineSnapshot(
      `[TensorError: kernel: 'testAxpy' is not registered for backend 'wasm' (nor for 'js'); registerKernel({ kernelName: "testAxpy", backendName: "wasm", kernelFunc }) adds it]`,
    );
  });
});
