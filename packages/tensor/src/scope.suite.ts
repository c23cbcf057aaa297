import { describe, expect, it } from "vitest";
import {
  add,
  keep,
  matMul,
  ones,
  reshape,
  type Tensor,
  TensorError,
  tensor,
  tidy,
  transpose,
} from "./index.js";

const disposedMessage = (op: string) =>
  `${op}: a tensor was used after it was disposed (created inside a tidy() that has ended? return it from the tidy or keep() it)`;

/** Dispose, tidy and keep; run per backend by ops.test.ts. */
export function scopeSuite(_backend: string): void {
  describe("dispose", () => {
    it("is idempotent and marks the tensor", () => {
      const x = ones([2]);
      expect(x.disposed).toBe(false);
      x.dispose();
      x.dispose();
      expect(x.disposed).toBe(true);
      expect(String(x)).toBe("Tensor [2] float32 (disposed)");
    });

    it("a disposed tensor errors clearly in ops and reads, with code DISPOSED", () => {
      const x = ones([2]);
      x.dispose();
      expect(() => add(x, 1)).toThrow(disposedMessage("add"));
      expect(() => x.data()).toThrow(disposedMessage("data"));
      expect(() => x.toArray()).toThrow(disposedMessage("toArray"));
      expect(() => reshape(x, [2, 1])).toThrow(disposedMessage("reshape"));
      expect(() => x.item()).toThrow(disposedMessage("item"));
      try {
        x.item();
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(TensorError);
        expect((error as TensorError).code).toBe("DISPOSED");
      }
    });

    it("a disposed tensor errors even while a view keeps its storage alive", () => {
      const x = tensor([1, 2, 3, 4]);
      const v = reshape(x, [2, 2]);
      x.dispose();
      expect(v.toArray()).toEqual([
        [1, 2],
        [3, 4],
      ]);
      expect(() => add(x, 1)).toThrow(disposedMessage("add"));
      expect(() => x.data()).toThrow(disposedMessage("data"));
      v.dispose();
      expect(v.storage.disposed).toBe(true);
    });

    it("storage is freed when the last tensor using it goes", () => {
      const x = tensor([1, 2, 3, 4]);
      const t = transpose(reshape(x, [2, 2]));
      x.dispose();
      expect(x.storage.disposed).toBe(false);
      expect(values(t)).toEqual([1, 3, 2, 4]);
      t.dispose();
      // the intermediate reshape view is still alive, so the storage is too
      expect(x.storage.disposed).toBe(false);
    });
  });

  describe("tidy", () => {
    it("disposes what fn made, except what it returns", () => {
      const x = ones([2, 2]);
      let inner: Tensor | undefined;
      const result = tidy(() => {
        inner = add(x, 1);
        return matMul(inner, inner);
      });
      expect(inner?.disposed).toBe(true);
      expect(result.disposed).toBe(false);
      expect(x.disposed).toBe(false); // made outside
      expect(result.toArray()).toEqual([
        [8, 8],
        [8, 8],
      ]);
    });

    it("keeps tensors returned inside arrays, objects and maps", () => {
      const made: Tensor[] = [];
      const out = tidy(() => {
        const a = ones([1]);
        const b = ones([1]);
        const c = ones([1]);
        const d = ones([1]);
        made.push(a, b, c, d);
        return { list: [a], nested: { b }, map: new Map([["c", c]]) };
      });
      expect(made.map((t) => t.disposed)).toEqual([false, false, false, true]);
      expect(out.list[0]?.disposed).toBe(false);
    });

    it("keep() exempts a tensor from every enclosing scope", () => {
      let kept: Tensor | undefined;
      tidy(() => {
        tidy(() => {
          kept = keep(ones([3]));
        });
      });
      expect(kept?.disposed).toBe(false);
      expect(values(kept as Tensor)).toEqual([1, 1, 1]);
    });

    it("nested: an inner result moves to the outer scope and is freed there", () => {
      let fromInner: Tensor | undefined;
      const outer = tidy(() => {
        fromInner = tidy(() => ones([2]));
        expect(fromInner.disposed).toBe(false);
        return add(fromInner, 1);
      });
      expect(fromInner?.disposed).toBe(true);
      expect(values(outer)).toEqual([2, 2]);
    });

    it("a result returned through both levels survives both", () => {
      const result = tidy(() => tidy(() => ones([2])));
      expect(result.disposed).toBe(false);
    });

    it("disposes everything when fn throws, and rethrows", () => {
      let made: Tensor | undefined;
      expect(() =>
        tidy(() => {
          made = ones([2]);
          throw new Error("boom");
        }),
      ).toThrow("boom");
      expect(made?.disposed).toBe(true);
    });

    it("using a tensor after its tidy ended errors with the hint", () => {
      let leaked: Tensor | undefined;
      tidy(() => {
        leaked = ones([2]);
      });
      expect(() => add(leaked as Tensor, 1)).toThrow(disposedMessage("add"));
    });

    it("views made inside a tidy over outer storage leave the outer tensor alone", () => {
      const x = tensor([1, 2, 3, 4]);
      tidy(() => {
        reshape(x, [2, 2]);
        transpose(reshape(x, [2, 2]));
      });
      expect(x.disposed).toBe(false);
      expect(values(x)).toEqual([1, 2, 3, 4]);
    });

    it("a returned view keeps its storage although its base was disposed", () => {
      const v = tidy(() => transpose(reshape(tensor([1, 2, 3, 4]), [2, 2])));
      expect(v.toArray()).toEqual([
        [1, 3],
        [2, 4],
      ]);
    });
  });
}

function values(t: Tensor): number[] {
  return Array.from(t.data());
}
