// Enforcement of the active execution policy for builtins with side
// effects (files, processes, network, models). The top of the calling
// task's execution-policy stack is the ceiling; no policy means no limit.

import { categorized } from "../../vm/errors.ts";
import type { BuiltinContext } from "../../vm/values.ts";
import { contextOf, top } from "../task-context.ts";
import type { CapabilityPolicy } from "./capability-policy.ts";

/** The active execution policy of the calling task, if any. */
export function activePolicy(ctx: BuiltinContext): CapabilityPolicy | undefined {
  return top(contextOf(ctx.task).slots.executionPolicies) as CapabilityPolicy | undefined;
}

/**
 * Throws `Error [tool_rejected]: builtin '<name>' exceeds <cap>.<op> ceiling`
 * when the active policy does not allow the operation.
 */
export function requireCapability(
  ctx: BuiltinContext,
  builtin: string,
  capability: string,
  operation: string,
  sideEffectLevel: string | null,
): void {
  const policy = activePolicy(ctx);
  if (policy === undefined) return;
  const refusal = policy.refusal(capability, operation, sideEffectLevel);
  if (refusal !== undefined) throw categorized("tool_rejected", `builtin '${builtin}' ${refusal}`);
}
