// `tool_arg_constraints` of a capability policy (spec: "CapabilityPolicy"):
// `{tool (glob), arg_patterns (globs), arg_key?}`. The constrained argument
// is `arg_key`, else the tool's annotated path parameters; a constraint
// whose argument is absent does not apply, one whose value matches no
// pattern refuses the call.

import type { CapabilityPolicy } from "../../runtime/policy/capability-policy.ts";
import { display } from "../../vm/display.ts";
import { Dict } from "../../vm/values.ts";
import { isJsonObject, type JsonValue } from "../json.ts";
import { toolGlobMatch } from "../tools/hooks.ts";

function pathParams(policy: CapabilityPolicy, tool: string): string[] {
  const annotations = policy.toolAnnotations.get(tool);
  const schema = annotations instanceof Dict ? annotations.get("arg_schema") : null;
  const params = schema instanceof Dict ? schema.get("path_params") : null;
  return Array.isArray(params) ? params.map((p) => display(p)) : [];
}

/** Why `policy`'s argument constraints refuse this call, or undefined. */
export function argConstraintRefusal(
  policy: CapabilityPolicy | undefined,
  tool: string,
  args: JsonValue,
): string | undefined {
  if (policy === undefined) return undefined;
  for (const c of policy.toolArgConstraints) {
    if (!toolGlobMatch(c.tool, tool) || c.argPatterns.length === 0) continue;
    let key: string;
    let value: string | undefined;
    if (isJsonObject(args)) {
      const keys = c.argKey !== undefined ? [c.argKey] : pathParams(policy, tool);
      if (keys.length === 0) continue;
      key = keys[0]!;
      for (const k of keys) {
        const v = args[k];
        if (typeof v === "string") {
          key = k;
          value = v;
          break;
        }
      }
    } else {
      key = "value";
      value = typeof args === "string" ? args : undefined;
    }
    if (value === undefined || c.argPatterns.some((p) => toolGlobMatch(p, value))) continue;
    const patterns = `[${c.argPatterns.map((p) => JSON.stringify(p)).join(", ")}]`;
    return `tool '${tool}' ${key} '${value}' does not match allowed patterns: ${patterns}. Only the ${key} argument is checked against this allow-list — other argument values are not.`;
  }
  return undefined;
}
