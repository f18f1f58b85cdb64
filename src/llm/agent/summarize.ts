// One plain-text model call outside an agent loop, for compaction
// strategies that summarise with a model (`transcript_auto_compact`,
// `transcript_compact` with `strategy: "llm"`). The caller's options pick
// the provider and model; tools and structured output are left out.

import type { Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { attemptOnce, type CallContext } from "../call.ts";
import { parseCallOptions } from "../options.ts";
import { llmStateOf } from "../state.ts";

export async function summarizeWithModel(
  vm: Vm,
  options: Value | undefined,
  prompt: string,
  signal: AbortSignal,
): Promise<string> {
  const state = llmStateOf(vm);
  const opts = parseCallOptions(state, [prompt, null, options ?? null]);
  const request = {
    ...opts.request,
    messages: [{ role: "user", content: prompt }],
    tools: null,
    toolChoice: null,
    outputFormat: { kind: "text" as const },
  };
  const ctx: CallContext = { vm, state, signal };
  const response = await attemptOnce(ctx, { ...opts, budget: null, request }, request);
  return response.text;
}
