// The `pattern` of a manifest `[[hooks]]` entry (spec: "Hooks"): a small
// condition over the hook's event payload (`{event, tool: {name, args},
// result?}`), not Harn code, because it is evaluated before any Harn runs:
//
//   "*" or ""              always
//   path =~ "regex"        the value at a dotted path matches the regex
//   path == "text"         equals; path != "text" differs
//   tool.args.force        (any dotted path) the value there is truthy
//   exec*, *_file, name    otherwise a glob on the tool name
//
// Values that are not strings compare as their JSON text. An invalid
// regex matches nothing.

import type { JsonObject, JsonValue } from "../../llm/json.ts";

function valueAt(payload: JsonValue, path: string): JsonValue | undefined {
  let current: JsonValue | undefined = payload;
  for (const segment of path.split(".")) {
    if (current === null || typeof current !== "object" || Array.isArray(current)) return undefined;
    current = (current as JsonObject)[segment];
  }
  return current;
}

function asText(v: JsonValue | undefined): string {
  if (v === undefined) return "";
  return typeof v === "string" ? v : JSON.stringify(v);
}

function truthy(v: JsonValue | undefined): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0;
  if (typeof v === "string") return v !== "";
  if (Array.isArray(v)) return v.length > 0;
  return Object.keys(v).length > 0;
}

function unquote(text: string): string {
  const t = text.trim();
  if (t.length >= 2 && (t[0] === '"' || t[0] === "'") && t.endsWith(t[0])) return t.slice(1, -1);
  return t;
}

/** `*` alone, `prefix*`, `*suffix`, or an exact name. */
function toolGlob(pattern: string, name: string): boolean {
  if (pattern === "*") return true;
  if (pattern.endsWith("*")) return name.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith("*")) return name.endsWith(pattern.slice(1));
  return pattern === name;
}

function regexMatches(source: string, text: string): boolean {
  try {
    return new RegExp(source).test(text);
  } catch {
    return false;
  }
}

/** Whether a hook with `pattern` applies to an event with `payload`. */
export function hookPatternMatches(pattern: string, payload: JsonObject): boolean {
  const p = pattern.trim();
  if (p === "" || p === "*") return true;
  const operators: [string, (value: string, rhs: string) => boolean][] = [
    ["=~", (value, rhs) => regexMatches(rhs, value)],
    ["==", (value, rhs) => value === rhs],
    ["!=", (value, rhs) => value !== rhs],
  ];
  for (const [op, test] of operators) {
    const at = p.indexOf(op);
    if (at < 0) continue;
    const value = asText(valueAt(payload, p.slice(0, at).trim()));
    return test(value, unquote(p.slice(at + op.length)));
  }
  if (p.includes(".")) return truthy(valueAt(payload, p));
  return toolGlob(p, asText(valueAt(payload, "tool.name")));
}
