// The llm_call family as builtins. Each call runs as a Promise that parks
// only the calling task; cancelling the task aborts the call. Option
// errors surface as thrown strings; failures while calling surface as the
// LLM error dict (llm/errors.ts), and the `_safe` variants return
// `{ok, response|data, error}` envelopes instead of throwing.

import { withStepModel } from "../../runtime/steps/index.ts";
import { cancellable } from "../../vm/scheduler.ts";
import type { Task } from "../../vm/task.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { type CallContext, executeLlmCall } from "../call.ts";
import { classifyLlmError, failureFacts, llmThrown } from "../errors.ts";
import { parseCallOptions } from "../options.ts";
import type { LlmState } from "../state.ts";
import { dataOf, structuredArgs, structuredResult } from "../structured.ts";
import { chargeStepForResult } from "../step-usage.ts";

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
function argsWithStepModel(task: Task | null | undefined, args: readonly Value[]): readonly Value[] {
  const options = withStepModel(task, args[2] ?? null);
  return options === (args[2] ?? null) ? args : [args[0] ?? null, args[1] ?? null, options, ...args.slice(3)];
}

/** llm_call semantics: result dict, or the LLM error dict thrown. */
async function llmCall(ctx: CallContext, args: readonly Value[]): Promise<Dict> {
  const opts = parseCallOptions(ctx.state, argsWithStepModel(ctx.task, args));
  let result: Dict;
  try {
    result = await executeLlmCall(ctx, opts);
  } catch (e) {
    throw llmThrown(e, opts.request.provider, opts.request.model);
  }
  chargeStepForResult(ctx.task, result);
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
