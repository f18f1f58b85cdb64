// Whether the active execution policy lets a named tool run: the policy's
// tool allowlist (exact names; empty allows all), then the capabilities and
// side-effect level its `tool_annotations` declare for the tool. Shared by
// synthesized-tool dispatch and the agent loop's per-call checks.

import type { CapabilityPolicy } from "../../runtime/policy/capability-policy.ts";
import { sideEffectRank } from "../../runtime/policy/capability-policy.ts";
import { categorized, type VmError } from "../../vm/errors.ts";
import { parseAnnotations } from "./annotations.ts";

/** Why `policy` refuses `tool`, or undefined when it may run. */
export function toolPolicyRefusal(policy: CapabilityPolicy | undefined, tool: string): string | undefined {
  if (policy === undefined) return undefined;
  if (policy.tools.length > 0 && !policy.tools.includes(tool)) return `tool '${tool}' exceeds tool ceiling`;
  const annotations = parseAnnotations(policy.toolAnnotations.get(tool));
  if (annotations === null) return undefined;
  for (const [cap, ops] of Object.entries(annotations.capabilities)) {
    for (const op of ops) {
      const allowed = policy.capabilities.size === 0 || policy.capabilities.get(cap);
      if (allowed === true) continue;
      if (allowed === undefined || (allowed.length > 0 && !allowed.includes(op))) {
        return `tool '${tool}' exceeds capability ceiling: ${cap}.${op}`;
      }
    }
  }
  const level = annotations.sideEffectLevel;
  if (
    level !== "none" &&
    policy.sideEffectLevel !== null &&
    sideEffectRank(level) > sideEffectRank(policy.sideEffectLevel)
  ) {
    return `tool '${tool}' exceeds side-effect ceiling: ${level}`;
  }
  return undefined;
}

/** The `tool_rejected` error for a refusal. */
export function toolRejected(message: string): VmError {
  return categorized("tool_rejected", message);
}
