// The capability check every network builtin makes before touching the
// network: with an execution policy active, its side-effect ceiling must
// reach `network`. The refusal wording is the reference's.

import { sideEffectRank } from "../../runtime/policy/capability-policy.ts";
import { activePolicy } from "../../runtime/policy/enforce.ts";
import { categorized } from "../../vm/errors.ts";
import type { BuiltinContext } from "../../vm/values.ts";

export function requireNetwork(ctx: BuiltinContext, builtin: string): void {
  const level = activePolicy(ctx)?.sideEffectLevel ?? null;
  if (level !== null && sideEffectRank("network") > sideEffectRank(level)) {
    throw categorized("tool_rejected", `builtin '${builtin}' exceeds network ceiling`);
  }
}
