/**
 * The shared suite: every concept's cases (in a `*.suite.ts` beside its code)
 * run once per registered backend, as STYLE.md §5 asks. They load in one
 * module graph because each extra test file costs a second of startup, and
 * the whole tensor suite has to stay well under ten seconds.
 */
import { beforeEach, describe } from "vitest";
import { errorsSuite } from "../errors.suite.js";
import { listBackends, setBackend } from "../index.js";
import { randomSuite } from "../random.suite.js";
import { scopeSuite } from "../scope.suite.js";
import { creationSuite } from "./creation.suite.js";
import { elementwiseSuite } from "./elementwise.suite.js";
import { indexingSuite } from "./indexing.suite.js";
import { joinSuite } from "./join.suite.js";
import { matMulSuite } from "./mat-mul.suite.js";
import { propertiesSuite } from "./properties.suite.js";
import { reduceSuite } from "./reduce.suite.js";
import { softmaxSuite } from "./softmax.suite.js";
import { viewsSuite } from "./views.suite.js";

describe.each(listBackends())("%s backend", (name) => {
  beforeEach(() => {
    setBackend(name);
  });

  describe("creation", () => creationSuite(name));
  describe("views", () => viewsSuite(name));
  describe("elementwise", () => elementwiseSuite(name));
  describe("reductions", () => reduceSuite(name));
  describe("matMul", () => matMulSuite(name));
  describe("indexing", () => indexingSuite(name));
  describe("joins", () => joinSuite(name));
  describe("softmax", () => softmaxSuite(name));
  describe("tidy, keep, dispose", () => scopeSuite(name));
  describe("random", () => randomSuite(name));
  describe("errors", () => errorsSuite(name));
  describe("properties", () => propertiesSuite(name));
});
