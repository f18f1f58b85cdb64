// Declarative tool approval (spec: "approval_policy"): `{auto_approve,
// auto_deny, require_approval, write_path_allowlist}`, all globs. Order:
// a deny pattern refuses; a mutating tool whose declared path arguments
// fall outside the allowlist is refused; an approve pattern approves; a
// require pattern needs a host decision (refused here, where no host
// bridge can grant it); anything else is approved. Nested policies merge
// toward the stricter: approvals and allowlists intersect, denials and
// requirements accumulate. Policies stay Harn dicts on the task's
// approval-policy stack (so `current_approval_policy()` shows them).

import { display } from "../../vm/display.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { isJsonObject, type JsonValue } from "../json.ts";
import { toolGlobMatch } from "../tools/hooks.ts";

export interface ApprovalPolicy {
  readonly autoApprove: readonly string[];
  readonly autoDeny: readonly string[];
  readonly requireApproval: readonly string[];
  readonly writePathAllowlist: readonly string[];
}

const strings = (v: Value | undefined): string[] => (Array.isArray(v) ? v.map((x) => display(x)) : []);

export function parseApprovalPolicy(v: Value | undefined): ApprovalPolicy {
  const d = v instanceof Dict ? v : new Dict();
  return {
    autoApprove: strings(d.map.get("auto_approve")),
    autoDeny: strings(d.map.get("auto_deny")),
    requireApproval: strings(d.map.get("require_approval")),
    writePathAllowlist: strings(d.map.get("write_path_allowlist")),
  };
}

export function approvalPolicyValue(p: ApprovalPolicy): Dict {
  return Dict.of({
    auto_approve: [...p.autoApprove],
    auto_deny: [...p.autoDeny],
    require_approval: [...p.requireApproval],
    write_path_allowlist: [...p.writePathAllowlist],
  });
}

function narrow(a: readonly string[], b: readonly string[]): string[] {
  if (a.length === 0) return [...b];
  if (b.length === 0) return [...a];
  return a.filter((p) => b.includes(p));
}

export function intersectApproval(outer: ApprovalPolicy, inner: ApprovalPolicy): ApprovalPolicy {
  return {
    autoApprove: narrow(outer.autoApprove, inner.autoApprove),
    autoDeny: [...outer.autoDeny, ...inner.autoDeny],
    requireApproval: [...outer.requireApproval, ...inner.requireApproval],
    writePathAllowlist: narrow(outer.writePathAllowlist, inner.writePathAllowlist),
  };
}

/** What a tool declares about itself: its path parameters and whether it only reads. */
export interface ToolFacts {
  readonly pathParams: readonly string[];
  readonly readOnly: boolean;
}

export type ApprovalDecision =
  | { readonly kind: "approved" }
  | { readonly kind: "denied"; readonly reason: string }
  | { readonly kind: "requires_host" };

function declaredPaths(args: JsonValue, params: readonly string[]): string[] {
  if (!isJsonObject(args)) return [];
  return params.map((p) => args[p]).filter((v): v is string => typeof v === "string" && v !== "");
}

export function evaluateApproval(
  policy: ApprovalPolicy,
  tool: string,
  args: JsonValue,
  facts: ToolFacts,
): ApprovalDecision {
  for (const p of policy.autoDeny) {
    if (toolGlobMatch(p, tool))
      return { kind: "denied", reason: `tool '${tool}' matches deny pattern '${p}'` };
  }
  if (policy.writePathAllowlist.length > 0 && !facts.readOnly) {
    for (const path of declaredPaths(args, facts.pathParams)) {
      if (!policy.writePathAllowlist.some((p) => toolGlobMatch(p, path))) {
        return {
          kind: "denied",
          reason: `tool '${tool}' targets '${path}' which is not in the write-path allowlist`,
        };
      }
    }
  }
  if (policy.autoApprove.some((p) => toolGlobMatch(p, tool))) return { kind: "approved" };
  if (policy.requireApproval.some((p) => toolGlobMatch(p, tool))) return { kind: "requires_host" };
  return { kind: "approved" };
}
