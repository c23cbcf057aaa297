/**
 * Gradients of views and copies: each moves the gradient back to the
 * input's layout (the adjoint of a view is the inverse view, of slice is
 * pad, of expand is a sum over the stretched axes).
 */
import { cast, pad, permute, reshape, slice } from "@recurrent/tensor";
import { input, type RuleGroup, unbroadcast } from "./rule.js";

export const viewRules: RuleGroup<
  "Reshape" | "Permute" | "Slice" | "Expand" | "Contiguous" | "Cast" | "Pad"
> = {
  // y = reshape(x): dx = reshape(dy, x.shape)
  Reshape: (c) => [() => reshape(c.dy, input(c, 0).shape)],
  // y = permute(x, p): dx = permute(dy, p⁻¹)
  Permute: (c) => {
    const inverse = new Array<number>(c.attrs.axes.length);
    c.attrs.axes.forEach((axis, i) => {
      inverse[axis] = i;
    });
    return [() => permute(c.dy, inverse)];
  },
  // y = x[begin:end]: dx = dy padded with zeros back to x.shape
  Slice: (c) => {
    const x = input(c, 0);
    return [
      () =>
        pad(
          c.dy,
          c.attrs.begin,
          x.shape.map((d, i) => d - (c.attrs.end[i] as number)),
        ),
    ];
  },
  // y = expand(x): dx = Σ dy over the stretched axes
  Expand: (c) => [() => unbroadcast(c.dy, input(c, 0).shape)],
  // y = x (copied): dx = dy
  Contiguous: (c) => [() => c.dy],
  // y = cast(x): dx = cast(dy, x.dtype); integer inputs have no gradient
  Cast: (c) => [input(c, 0).dtype === "int32" ? null : () => cast(c.dy, input(c, 0).dtype)],
  // y = pad(x): dx = dy[before : before + x.shape]
  Pad: (c) => {
    const x = input(c, 0);
    return [
      () =>
        slice(
          c.dy,
          c.attrs.before,
          x.shape.map((d, i) => (c.attrs.before[i] as number) + d),
        ),
    ];
  },
};
