// Builtins for the command-runner policy: `command_policy(config)` (make
// and validate a policy), `command_policy_push(policy)` /
// `command_policy_pop()` (unscoped changes to the calling task's
// command-policy stack — `with_command_policy(policy, fn)` is the scoped
// form), and the deterministic scans `command_risk_scan(ctx)`,
// `command_result_scan(ctx)` and `command_llm_risk_scan(ctx, options?)`.
// The gate that applies the policy to process.exec is
// command-policy-gate.ts, called from the host_call bridge.

import { runtimeError } from "../../vm/errors.ts";
import type { BuiltinContext, Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { contextOf } from "../task-context.ts";
import { normalizeCommandPolicy, popCommandPolicy, pushCommandPolicy } from "./command-policy.ts";
import { commandLlmRiskScan, commandResultScan, commandRiskScan } from "./command-policy-scan.ts";

function requireCtx(args: Value[], builtin: string): Value {
  const ctx = args[0];
  if (ctx === undefined) throw runtimeError(`${builtin}: ctx is required`);
  return ctx;
}

/**
 * `executionRoot` is the directory a task's commands run in (relative
 * paths in a scan resolve against it); the host layer supplies it.
 */
export function registerCommandPolicyBuiltins(vm: Vm, executionRoot: (ctx: BuiltinContext) => string): void {
  vm.registerBuiltin("command_policy", (args) => normalizeCommandPolicy(args[0]));
  vm.registerBuiltin("command_policy_push", (args, ctx) => {
    ctx.task.ctx = pushCommandPolicy(contextOf(ctx.task), args[0]);
    return null;
  });
  vm.registerBuiltin("command_policy_pop", (_args, ctx) => {
    ctx.task.ctx = popCommandPolicy(contextOf(ctx.task));
    return null;
  });
  vm.registerBuiltin("command_risk_scan", (args, ctx) =>
    commandRiskScan(requireCtx(args, "command_risk_scan"), null, executionRoot(ctx)),
  );
  vm.registerBuiltin("command_result_scan", (args) =>
    commandResultScan(requireCtx(args, "command_result_scan")),
  );
  vm.registerBuiltin("command_llm_risk_scan", (args, ctx) =>
    commandLlmRiskScan(requireCtx(args, "command_llm_risk_scan"), args[1], executionRoot(ctx)),
  );
}
