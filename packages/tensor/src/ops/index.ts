/** Every op, re-exported for the package index. */
export * from "./binary.js";
export * from "./creation.js";
export * from "./indexing.js";
export * from "./join.js";
export * from "./mat-mul.js";
export * from "./reduce.js";
export * from "./softmax.js";
export * from "./unary.js";
export { empty } from "./util.js";
export * from "./views.js";
