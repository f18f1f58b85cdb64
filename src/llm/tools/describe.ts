// Text and schema views of a registry: `tool_describe` (a one-line summary
// per tool), `tool_prompt` (the `<tool_call>` text protocol prompt),
// `tool_schema` (an MCP-style `harn-tools/1.0` document with JSON Schema
// input/output schemas) and `tool_format_result`. Tools are listed in name
// order so the text is stable whatever order they were defined in.

import { display } from "../../vm/display.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { textField, toolEntries, toolName } from "./registry.ts";
import { jsonTypeOf } from "./json-types.ts";

export const TOOL_SCHEMA_VERSION = "harn-tools/1.0";

/** `k: v` pairs of a dict in key order, or "" for anything else. */
function pairs(v: Value | undefined): string {
  if (!(v instanceof Dict) || v.map.size === 0) return "";
  return v
    .keys()
    .map((k) => `${k}: ${display(v.get(k))}`)
    .join(", ");
}

/** A return schema in one line: a type name, a `$ref`, or its fields. */
function schemaSummary(v: Value | undefined): string {
  if (typeof v === "string") return v;
  if (v instanceof Dict) {
    const ref = v.map.get("$ref");
    if (typeof ref === "string") return `$ref(${ref})`;
  }
  return pairs(v);
}

function byName(registry: Dict): Dict[] {
  return toolEntries(registry).sort((a, b) =>
    toolName(a) < toolName(b) ? -1 : toolName(a) > toolName(b) ? 1 : 0,
  );
}

export function describeTools(registry: Dict): string {
  const tools = byName(registry);
  if (tools.length === 0) return "Available tools:\n(none)";
  const lines = ["Available tools:"];
  for (const t of tools) {
    lines.push(`- ${toolName(t)}(${pairs(t.map.get("parameters"))}): ${textField(t, "description")}`);
    const returns = schemaSummary(t.map.get("outputSchema"));
    if (returns !== "") lines.push(`  returns ${returns}`);
  }
  return lines.join("\n");
}

const PROMPT_HEADER = [
  "# Available Tools",
  "",
  "You have access to the following tools. To use a tool, output a tool call in this exact format:",
  "",
  '<tool_call>{"name": "tool_name", "arguments": {"param": "value"}}</tool_call>',
  "",
  "You may make multiple tool calls in a single response. Wait for tool results before proceeding.",
  "",
  "## Tools",
  "",
  "",
].join("\n");

export function toolPrompt(registry: Dict): string {
  const tools = byName(registry);
  if (tools.length === 0) return "No tools are available.";
  let prompt = PROMPT_HEADER;
  for (const t of tools) {
    prompt += `### ${toolName(t)}\n${textField(t, "description")}\n`;
    const params = pairs(t.map.get("parameters"));
    if (params !== "") prompt += `Parameters: ${params}\n`;
    const returns = schemaSummary(t.map.get("outputSchema"));
    if (returns !== "") prompt += `Returns: ${returns}\n`;
    prompt += "\n";
  }
  return prompt.trimEnd();
}

/**
 * One parameter or return schema as JSON Schema: a bare type name maps to
 * `{type}`, `{$ref: Name}` resolves against `components` (else points into
 * `#/components/schemas`), any other dict passes through.
 */
export function resolveParamSchema(v: Value, components: Dict | null): Dict {
  if (typeof v === "string") return Dict.of({ type: jsonTypeOf(v) ?? "string" });
  if (v instanceof Dict) {
    const ref = v.map.get("$ref");
    if (typeof ref !== "string") return v;
    const resolved = components?.map.get(ref);
    if (resolved !== undefined) return resolved instanceof Dict ? resolved : Dict.of({ type: "string" });
    return Dict.of({ $ref: `#/components/schemas/${ref}` });
  }
  return Dict.of({ type: "string" });
}

/** The object schema of a tool's parameters; every listed parameter is required. */
export function inputSchema(params: Value | undefined, components: Dict | null): Dict {
  if (!(params instanceof Dict) || params.map.size === 0) {
    return Dict.of({ type: "object", properties: new Dict() });
  }
  const properties = new Map<string, Value>();
  for (const key of params.keys()) properties.set(key, resolveParamSchema(params.get(key), components));
  return Dict.of({ type: "object", properties: new Dict(properties), required: [...params.keys()] });
}

/** `tool_schema(registry, components?)`. */
export function toolSchemaDocument(registry: Dict, components: Dict | null): Dict {
  const tools = toolEntries(registry).map((t) => {
    const m = new Map<string, Value>([
      ["name", toolName(t)],
      ["description", textField(t, "description")],
      ["inputSchema", inputSchema(t.map.get("parameters"), components)],
    ]);
    const output = t.map.get("outputSchema");
    if (output !== undefined) m.set("outputSchema", resolveParamSchema(output, components));
    return new Dict(m);
  });
  const doc = new Map<string, Value>([
    ["schema_version", TOOL_SCHEMA_VERSION],
    ["tools", tools],
  ]);
  if (components !== null) doc.set("components", Dict.of({ schemas: components }));
  return new Dict(doc);
}

/** `<tool_result>{"name": ..., "result": ...}</tool_result>` with JSON string escaping. */
export function formatToolResult(name: string, result: string): string {
  return `<tool_result>{"name": ${JSON.stringify(name)}, "result": ${JSON.stringify(result)}}</tool_result>`;
}

/** The JSON texts inside each `<tool_call>...</tool_call>` span, trimmed, in order. */
export function toolCallSpans(text: string): string[] {
  const out: string[] = [];
  const open = "<tool_call>";
  const close = "</tool_call>";
  let from = 0;
  for (;;) {
    const start = text.indexOf(open, from);
    if (start < 0) break;
    const body = start + open.length;
    const end = text.indexOf(close, body);
    if (end < 0) break;
    out.push(text.slice(body, end).trim());
    from = end + close.length;
  }
  return out;
}
