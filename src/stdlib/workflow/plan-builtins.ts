// `plan_artifact(plan)` and `plan_entries(plan)` (spec: "std/plan"): the
// `harn.plan.v1` normalization the agent loop applies to emit_plan /
// update_plan calls, for plans a program builds itself.

import { normalizePlan, planEntries } from "../../llm/agent/plan.ts";
import { jsonToValue, valueToJson } from "../../llm/json.ts";
import type { Vm } from "../../vm/vm.ts";

export function registerPlanBuiltins(vm: Vm): void {
  vm.registerBuiltin("plan_artifact", (args) =>
    jsonToValue(normalizePlan("emit_plan", valueToJson(args[0] ?? null))),
  );
  vm.registerBuiltin("plan_entries", (args) => planEntries(valueToJson(args[0] ?? null)).map(jsonToValue));
}
