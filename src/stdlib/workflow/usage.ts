// Model usage attributed to a stage or a run: the difference of the VM's
// usage ledger before and after, in the reference's `LlmUsageRecord`
// shape (tokens, duration, call count, cost, models).

import { llmStateOf } from "../../llm/state.ts";
import { Dict, HFloat, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";

export interface UsageSnapshot {
  readonly input: number;
  readonly output: number;
  readonly durationMs: number;
  readonly calls: number;
  readonly cost: number;
}

export function usageSnapshot(vm: Vm): UsageSnapshot {
  const s = llmStateOf(vm);
  return {
    input: s.usage.inputTokens,
    output: s.usage.outputTokens,
    durationMs: s.usage.durationMs,
    calls: s.usage.calls,
    cost: s.spentUsd,
  };
}

export function usageValue(u: UsageSnapshot, models: readonly string[] = []): Dict {
  return Dict.of({
    input_tokens: u.input,
    output_tokens: u.output,
    total_duration_ms: u.durationMs,
    call_count: u.calls,
    total_cost: new HFloat(u.cost),
    models: [...models],
  });
}

export function usageDelta(before: UsageSnapshot, after: UsageSnapshot): Dict {
  return usageValue({
    input: Math.max(0, after.input - before.input),
    output: Math.max(0, after.output - before.output),
    durationMs: Math.max(0, after.durationMs - before.durationMs),
    calls: Math.max(0, after.calls - before.calls),
    cost: Math.max(0, after.cost - before.cost),
  });
}

const num = (d: Dict, k: string): number => {
  const v = d.get(k);
  return typeof v === "number" ? v : v instanceof HFloat ? v.v : 0;
};

/** The sum of two usage records (models merged without duplicates). */
export function mergeUsage(a: Dict, b: Dict): Dict {
  const models = [a.get("models"), b.get("models")].flatMap((m) => (Array.isArray(m) ? m : []));
  const unique: Value[] = [];
  for (const m of models) if (!unique.includes(m)) unique.push(m);
  return Dict.of({
    input_tokens: num(a, "input_tokens") + num(b, "input_tokens"),
    output_tokens: num(a, "output_tokens") + num(b, "output_tokens"),
    total_duration_ms: num(a, "total_duration_ms") + num(b, "total_duration_ms"),
    call_count: num(a, "call_count") + num(b, "call_count"),
    total_cost: new HFloat(num(a, "total_cost") + num(b, "total_cost")),
    models: unique,
  });
}

export const emptyUsage = (): Dict => usageValue({ input: 0, output: 0, durationMs: 0, calls: 0, cost: 0 });
