/**
 * Every built-in gradient rule, in one map typed over the closed list of
 * primitives (`OpName` from @recurrent/tensor): a primitive added there
 * without a rule here fails to compile.
 */
import type { OpName } from "@recurrent/tensor";
import { binaryRules } from "./binary.js";
import { indexingRules } from "./indexing.js";
import { linearRules } from "./linear.js";
import { reduceRules } from "./reduce.js";
import type { RuleGroup } from "./rule.js";
import { softmaxRules } from "./softmax.js";
import { unaryRules } from "./unary.js";
import { viewRules } from "./views.js";

export const rules: RuleGroup<OpName> = {
  ...viewRules,
  ...unaryRules,
  ...binaryRules,
  ...reduceRules,
  ...linearRules,
  ...softmaxRules,
  ...indexingRules,
};
