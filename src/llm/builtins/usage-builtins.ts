// Cost and usage builtins (spec: "LLM cost & budgets"): price lookups, the
// session budget `llm_call` enforces, the running totals of this VM's
// calls, and the agent trace (`agent_trace`, `agent_trace_summary`).

import { display } from "../../vm/display.ts";
import { thrown } from "../../vm/errors.ts";
import { Dict, HFloat } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { resolveModelInfo } from "../catalog/models.ts";
import { modelCost } from "../catalog/pricing.ts";
import { jsonToValue } from "../json.ts";
import { asInt } from "../option-values.ts";
import { catalogKeyAvailable, defaultProvider } from "../selection.ts";
import type { LlmState } from "../state.ts";

export function registerUsageBuiltins(vm: Vm, state: LlmState): void {
  vm.registerBuiltin("llm_cost", (args) => {
    const model = args[0] === undefined ? "" : display(args[0]);
    return new HFloat(modelCost(model, asInt(args[1]) ?? 0, asInt(args[2]) ?? 0));
  });
  vm.registerBuiltin("llm_budget", (args) => {
    const v = args[0];
    const max =
      typeof v === "number" || typeof v === "bigint" ? Number(v) : v instanceof HFloat ? v.v : undefined;
    if (max === undefined) throw thrown("llm_budget: requires a numeric argument");
    state.budgetUsd = max;
    return null;
  });
  vm.registerBuiltin("llm_budget_remaining", () =>
    state.budgetUsd === null ? null : new HFloat(state.budgetUsd - state.spentUsd),
  );
  vm.registerBuiltin("llm_session_cost", () =>
    Dict.of({
      total_cost: new HFloat(state.spentUsd),
      input_tokens: state.usage.inputTokens,
      output_tokens: state.usage.outputTokens,
      call_count: state.usage.calls,
    }),
  );
  vm.registerBuiltin("llm_usage", () => {
    const u = state.usage;
    return Dict.of({
      input_tokens: u.inputTokens,
      output_tokens: u.outputTokens,
      total_duration_ms: u.durationMs,
      call_count: u.calls,
      total_calls: u.calls,
    });
  });
  vm.registerBuiltin("agent_trace", () => state.trace.events().map(jsonToValue));
  vm.registerBuiltin("agent_trace_summary", () => jsonToValue(state.trace.summary()));
  vm.registerBuiltin("llm_info", () => {
    const raw = state.env("HARN_LLM_MODEL") ?? "";
    const resolved = resolveModelInfo(raw, defaultProvider(state));
    const provider = state.env("HARN_LLM_PROVIDER") ?? resolved.provider;
    return Dict.of({
      provider,
      model: raw === "" ? "" : resolved.id,
      api_key_set: catalogKeyAvailable(state, provider),
    });
  });
}
