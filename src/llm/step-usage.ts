// LLM usage charged to the `@step` the calling task is inside of (seed 004):
// both plain `llm_call`s and agent-loop turns count against the step's token
// and USD budgets, and the call that crosses a budget fails.

import { recordStepUsage } from "../runtime/steps/index.ts";
import { display } from "../vm/display.ts";
import type { Task } from "../vm/task.ts";
import type { Dict } from "../vm/values.ts";
import { callCost } from "./catalog/pricing.ts";
import type { LlmResponse } from "./provider.ts";

export function chargeStepForResponse(task: Task | null | undefined, r: LlmResponse): void {
  if (!task) return;
  const { inputTokens, outputTokens } = r.usage;
  recordStepUsage(
    task,
    r.model,
    inputTokens,
    outputTokens,
    callCost(r.provider, r.model, inputTokens, outputTokens),
  );
}

/** The same, from an `llm_call` result dict. */
export function chargeStepForResult(task: Task | null | undefined, result: Dict): void {
  if (!task) return;
  const model = display(result.get("model"));
  const input = Number(result.get("input_tokens") ?? 0);
  const output = Number(result.get("output_tokens") ?? 0);
  recordStepUsage(
    task,
    model,
    input,
    output,
    callCost(display(result.get("provider")), model, input, output),
  );
}
