// What a node's tools imply for its capability policy. A stage may only
// use the tools it lists, and the capabilities and side-effect level its
// tools declare (in each tool's `policy` dict) raise the floor of what it
// needs; the runtime intersects this with the node's own policy and the
// graph's, so a stage can never reach past either.

import { CapabilityPolicy, sideEffectRank } from "../../runtime/policy/capability-policy.ts";
import { display } from "../../vm/display.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { isToolRegistry, toolEntries } from "../../llm/tools/registry.ts";

/** The tool dicts of a node's `tools` (a registry, a list of tools, or one tool). */
export function nodeToolEntries(tools: Value | undefined): Dict[] {
  if (tools instanceof Dict && tools.get("_type") !== "tool_registry") {
    return tools.get("name") === null ? [] : [tools];
  }
  return toolEntries(tools);
}

/** Names of a node's tools, in order. */
export function nodeToolNames(tools: Value | undefined): string[] {
  return nodeToolEntries(tools)
    .map((t) => (t.get("name") === null ? "" : display(t.get("name"))))
    .filter((n) => n !== "");
}

function toolPolicyDict(entry: Dict): Dict {
  const policy = entry.get("policy");
  return policy instanceof Dict ? policy : new Dict();
}

/** The capability policy a node's tools require: their names, capabilities and highest side-effect level. */
export function toolsPolicy(tools: Value | undefined): CapabilityPolicy {
  const names: string[] = [];
  const capabilities = new Map<string, string[]>();
  const annotations = new Map<string, Value>();
  let level: string | null = null;
  for (const entry of nodeToolEntries(tools)) {
    const name = entry.get("name") === null ? "" : display(entry.get("name"));
    if (name === "") continue;
    names.push(name);
    const policy = toolPolicyDict(entry);
    annotations.set(name, entry.get("annotations") instanceof Dict ? entry.get("annotations") : policy);
    const caps = policy.get("capabilities");
    if (caps instanceof Dict) {
      for (const cap of caps.keys()) {
        const ops = caps.get(cap);
        const list = capabilities.get(cap) ?? [];
        for (const op of Array.isArray(ops) ? ops : [])
          if (!list.includes(display(op))) list.push(display(op));
        capabilities.set(cap, list.sort());
      }
    }
    const declared = policy.get("side_effect_level");
    if (typeof declared === "string" && declared !== "none") {
      if (level === null || sideEffectRank(declared) > sideEffectRank(level)) level = declared;
    }
  }
  return new CapabilityPolicy(names, capabilities, [], level, null, [], annotations);
}

/** `tools` narrowed to the names in `allowed` (same container shape). */
export function filterTools(tools: Value, allowed: readonly string[]): Value {
  const keep = (t: Value): boolean =>
    t instanceof Dict && t.get("name") !== null && allowed.includes(display(t.get("name")));
  if (tools === null) return null;
  if (Array.isArray(tools)) return tools.filter(keep);
  if (isToolRegistry(tools)) {
    const list = tools.get("tools");
    return tools.with("tools", Array.isArray(list) ? list.filter(keep) : []);
  }
  return keep(tools) ? tools : null;
}
