// The llm_call family as builtins. Each call runs as a Promise that parks
// only the calling task; cancelling the task aborts the call. Option
// errors surface as thrown strings; failures while calling surface as the
// LLM error dict (llm/errors.ts), and the `_safe` variants return
// `{ok, response|data, error}` envelopes instead of throwing.

import { recordStepUsage, stepModelDefault } from "../../runtime/steps/index.ts";
import { display } from "../../vm/display.ts";
import { cancellable } from "../../vm/scheduler.ts";
import type { Task } from "../../vm/task.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { type CallContext, executeLlmCall } from "../call.ts";
import { callCost } from "../catalog/pricing.ts";
import { classifyLlmError, failureFacts, llmThrown } from "../errors.ts";
import { parseCallOptions } from "../options.ts";
import type { LlmState } from "../state.ts";
import { dataOf, structuredArgs, structuredResult } from "../structured.ts";

/** Runs `work` for the calling task, aborting it if the task is cancelled. */
export function runCall(
  vm: Vm,
  state: LlmState,
  work: (ctx: CallContext) => Promise<Value>,
  task: Task | null = null,
): Promise<Value> {
  const controller = new AbortController();
  const ctx: CallContext = { vm, state, signal: controller.signal, task };
  return cancellable(work(ctx), () => controller.abort());
}

/** Inside an `@step` with a model, calls that name no model use the step's. */
function withStepModel(task: Task | null | undefined, args: readonly Value[]): readonly Value[] {
  const model = task ? stepModelDefault(task) : null;
  if (model === null) return args;
  const options = args[2];
  if (options instanceof Dict && options.get("model") !== null) return args;
  const base = options instanceof Dict ? options : new Dict();
  return [args[0] ?? null, args[1] ?? null, base.with("model", model), ...args.slice(3)];
}

/** Charges the call's usage to the innermost active step, which fails once over its budget. */
function chargeStep(task: Task | null | undefined, result: Dict): void {
  if (!task) return;
  const model = display(result.get("model"));
  const input = Number(result.get("input_tokens") ?? 0);
  const output = Number(result.get("output_tokens") ?? 0);
  const cost = callCost(display(result.get("provider")), model, input, output);
  recordStepUsage(task, model, input, output, cost);
}

/** llm_call semantics: result dict, or the LLM error dict thrown. */
async function llmCall(ctx: CallContext, args: readonly Value[]): Promise<Dict> {
  const opts = parseCallOptions(ctx.state, withStepModel(ctx.task, args));
  let result: Dict;
  try {
    result = await executeLlmCall(ctx, opts);
  } catch (e) {
    throw llmThrown(e, opts.request.provider, opts.request.model);
  }
  chargeStep(ctx.task, result);
  return result;
}

/** The `error` of a safe envelope: the thrown dict as is, or the facts of another failure. */
function envelopeError(e: unknown): Dict {
  const facts = failureFacts(e);
  if (facts.thrownDict) return facts.thrownDict;
  const info = classifyLlmError(facts.category, facts.message);
  return Dict.of({ category: facts.category, kind: info.kind, reason: info.reason, message: facts.message });
}

async function safely(payloadKey: string, run: () => Promise<Value>): Promise<Dict> {
  try {
    return Dict.of({ ok: true, [payloadKey]: await run(), error: null });
  } catch (e) {
    return Dict.of({ ok: false, [payloadKey]: null, error: envelopeError(e) });
  }
}

export function registerCallBuiltins(vm: Vm, state: LlmState): void {
  vm.registerBuiltin("llm_call", (args, b) => runCall(vm, state, (ctx) => llmCall(ctx, args), b.task));
  vm.registerBuiltin("llm_call_safe", (args, b) =>
    runCall(vm, state, (ctx) => safely("response", () => llmCall(ctx, args)), b.task),
  );
  vm.registerBuiltin("llm_call_structured", (args, b) => {
    const rewritten = structuredArgs(args, "llm_call_structured");
    return runCall(vm, state, async (ctx) => dataOf(await llmCall(ctx, rewritten)), b.task);
  });
  vm.registerBuiltin("llm_call_structured_safe", (args, b) =>
    runCall(
      vm,
      state,
      (ctx) =>
        safely("data", async () =>
          dataOf(await llmCall(ctx, structuredArgs(args, "llm_call_structured_safe"))),
        ),
      b.task,
    ),
  );
  vm.registerBuiltin("llm_call_structured_result", (args, b) =>
    runCall(vm, state, (ctx) => structuredResult(ctx, args), b.task),
  );
}
