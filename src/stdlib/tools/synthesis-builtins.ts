// tool_synthesize and its cache. A synthesized tool is returned as a real
// Harn closure, `fn(args) { return tool_synth_invoke("<id>", args) }`,
// compiled here from a one-line source, so scripts can call it, store it
// and hand it to anything that takes a callable. `tool_synth_invoke`
// validates the arguments and runs the pinned executor: a dry-run report,
// `host_tool_call` for host-bridge tools, or `mcp_call` on the given client.

import { compileModule } from "../../compiler/compile-module.ts";
import { toolPolicyRefusal, toolRejected } from "../../llm/tools/policy.ts";
import { toolsStateOf } from "../../llm/tools/state.ts";
import {
  checkSynthesizedArgs,
  dryRunResult,
  type SynthesizedTool,
  synthesizeSpec,
  synthesizedToolValue,
} from "../../llm/tools/synthesize.ts";
import { activePolicy } from "../../runtime/policy/enforce.ts";
import { parse } from "../../syntax/parser.ts";
import { runtimeError, thrown } from "../../vm/errors.ts";
import {
  type BuiltinContext,
  type BuiltinResult,
  CallRequest,
  Closure,
  Dict,
  type Value,
} from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";

const FN_NAME = "__harn_synthesized_tool";

/** A closure that forwards its argument dict to `tool_synth_invoke` under `id`. */
function forwardingClosure(id: string): Closure {
  const source = `fn ${FN_NAME}(args) { return tool_synth_invoke(${JSON.stringify(id)}, args) }`;
  const parsed = parse(source);
  const compiled =
    parsed.diagnostics.length === 0
      ? compileModule(parsed.program, "<tool_synthesize>", { library: true })
      : null;
  const proto = compiled?.module?.main.protos.find((p) => p.name === FN_NAME);
  if (!compiled?.module || proto === undefined)
    throw runtimeError("tool_synthesize: internal compile failed");
  return new Closure(proto, [], {
    globals: new Array(compiled.module.globals.length).fill(null),
    file: "<tool_synthesize>",
  });
}

function builtinCall(vm: Vm, name: string, args: Value[]): CallRequest {
  const target = vm.builtins.get(name);
  if (target === undefined) throw thrown(`tool_synth_invoke: ${name} is not available`);
  return new CallRequest(target, args);
}

function invoke(vm: Vm, ctx: BuiltinContext, tool: SynthesizedTool, args: Value): BuiltinResult {
  checkSynthesizedArgs(tool, args);
  const e = tool.executor;
  if (e.kind === "dry_run") return dryRunResult(tool, args);
  const refusal = toolPolicyRefusal(activePolicy(ctx), tool.name);
  if (refusal !== undefined) throw toolRejected(refusal);
  if (e.kind === "host_bridge") return builtinCall(vm, "host_tool_call", [e.hostTool, args]);
  if (e.client === null) {
    throw thrown(
      "tool_synth_invoke: mcp_server synthesized tools require mcp_client in the synthesis config",
    );
  }
  if (args !== null && !(args instanceof Dict)) {
    throw thrown("tool_synth_invoke: mcp_server tool arguments must be a dict");
  }
  return builtinCall(vm, "mcp_call", [e.client, e.toolName, args ?? new Dict()]);
}

export function registerSynthesisBuiltins(vm: Vm): void {
  const cache = toolsStateOf(vm).synthesized;
  vm.registerBuiltin("tool_synthesize", (args) => {
    const tool = synthesizeSpec(args[0]);
    const closure = forwardingClosure(tool.id);
    cache.set(tool.id, tool);
    return closure;
  });
  vm.registerBuiltin("tool_synth_invoke", (args, ctx) => {
    const id = args[0];
    if (typeof id !== "string" || id === "") throw thrown("tool_synth_invoke: synthesis id is required");
    const tool = cache.get(id);
    if (tool === undefined) {
      throw thrown(
        `tool_synth_invoke: unknown synthesis id ${JSON.stringify(id)}; synthesize the tool in this run first`,
      );
    }
    return invoke(vm, ctx, tool, args[1] ?? null);
  });
  vm.registerBuiltin("tool_synthesis_cache", () =>
    [...cache.keys()].sort().map((id) => synthesizedToolValue(cache.get(id)!)),
  );
  vm.registerBuiltin("tool_synthesis_clear", () => {
    cache.clear();
    return null;
  });
}
