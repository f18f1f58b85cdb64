// Tool registries as the Harn values scripts build (spec: "Tool registry"):
// `{_type: "tool_registry", tools: [entry, ...]}`, where each entry is a
// dict `{name, description, parameters, executor, handler?, outputSchema?,
// ...}`. Registries are immutable values: every change returns a new dict.
// The agent loop, llm_call and the MCP server all read these same values,
// so the helpers here are the one place that knows their shape.

import { display } from "../../vm/display.ts";
import { thrown } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";

export const TOOL_REGISTRY_TYPE = "tool_registry";

/** A fresh empty registry. */
export function emptyToolRegistry(): Dict {
  return Dict.of({ _type: TOOL_REGISTRY_TYPE, tools: [] });
}

export function isToolRegistry(v: Value | undefined): v is Dict {
  return v instanceof Dict && v.get("_type") === TOOL_REGISTRY_TYPE;
}

/**
 * `v` as a registry, or the builtin's error: a non-dict gets `fallback`
 * (each builtin words it its own way), a dict of another kind the common
 * "must be a tool registry" message.
 */
export function requireToolRegistry(builtin: string, v: Value | undefined, fallback: string): Dict {
  if (!(v instanceof Dict)) throw thrown(`${builtin}: ${fallback}`);
  if (v.get("_type") !== TOOL_REGISTRY_TYPE) {
    throw thrown(`${builtin}: argument must be a tool registry (created with tool_registry())`);
  }
  return v;
}

/**
 * The tool entries of a registry, or of a plain list of tool dicts (the
 * forms `tools:` options accept). Non-dict items are skipped.
 */
export function toolEntries(v: Value | undefined): Dict[] {
  const list = v instanceof Dict ? v.get("tools") : v;
  if (!Array.isArray(list)) return [];
  return list.filter((t): t is Dict => t instanceof Dict);
}

export function toolName(entry: Dict): string {
  const name = entry.map.get("name");
  return name === undefined ? "" : display(name);
}

/** The entry named `name`, or null. */
export function findTool(registry: Value | undefined, name: string): Dict | null {
  for (const entry of toolEntries(registry)) if (entry.get("name") === name) return entry;
  return null;
}

/** Sorted names of the registered tools (for "unknown tool" messages). */
export function toolNames(registry: Value | undefined): string[] {
  return toolEntries(registry)
    .map(toolName)
    .filter((n) => n !== "")
    .sort();
}

/** `registry` with its tool list replaced. */
export function withTools(registry: Dict, tools: readonly Value[]): Dict {
  return registry.with("tools", [...tools]);
}

/** An entry without its handler: what listings and `tool_def` expose. */
export function publicEntry(entry: Dict): Dict {
  if (!entry.map.has("handler")) return entry;
  const m = new Map(entry.map);
  m.delete("handler");
  return new Dict(m);
}

/** The declared execution backend of an entry (`tool_define` always stamps one). */
export function toolExecutor(entry: Dict): string | null {
  const e = entry.map.get("executor");
  return typeof e === "string" ? e : null;
}

/** The display text of `entry[key]`, or "" when the key is missing. */
export function textField(entry: Dict, key: string): string {
  const v = entry.map.get(key);
  return v === undefined ? "" : display(v);
}
