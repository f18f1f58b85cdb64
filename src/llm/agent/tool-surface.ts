// The declared tools of an agent loop, read from the Harn registry value
// the script built (`{_type: "tool_registry", tools: [...]}`, see
// llm/tools/registry.ts): their parameters (for the required-argument
// check before dispatch) and the start-of-loop check that every tool has
// a backend to run on. What the model is offered each turn is
// tool-offer.ts.

import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Closure, Dict, type Value } from "../../vm/values.ts";
import { isJsonObject, type JsonObject, type JsonValue, valueToJson } from "../json.ts";
import { RUNTIME_SERVED_TOOLS } from "../tools/define.ts";
import { toolEntries, toolName } from "../tools/registry.ts";
import { jsonTypeOf } from "../tools/json-types.ts";

export interface ToolParam {
  readonly name: string;
  readonly schema: JsonObject;
  readonly required: boolean;
  readonly description: string;
}

export interface DeclaredTool {
  readonly name: string;
  readonly description: string;
  readonly params: readonly ToolParam[];
  /** The `parameters` value when it already is a JSON Schema object. */
  readonly rawSchema: JsonObject | null;
  readonly entry: Dict;
}

function paramFromSpec(name: string, spec: Value): ToolParam {
  if (!(spec instanceof Dict)) {
    return { name, schema: { type: jsonTypeOf(display(spec)) ?? "string" }, required: true, description: "" };
  }
  const json = valueToJson(spec) as JsonObject;
  const schema: JsonObject = {};
  for (const [k, v] of Object.entries(json)) if (k !== "required" && k !== "default") schema[k] = v;
  if (typeof schema.type === "string") schema.type = jsonTypeOf(schema.type) ?? schema.type;
  const required = spec.get("required") !== false && !spec.map.has("default");
  const description = typeof json.description === "string" ? json.description : "";
  return { name, schema, required, description };
}

function declared(entry: Dict): DeclaredTool {
  const params = entry.map.get("parameters");
  let list: ToolParam[] = [];
  let rawSchema: JsonObject | null = null;
  if (params instanceof Dict && params.get("type") === "object" && params.map.has("properties")) {
    rawSchema = valueToJson(params) as JsonObject;
    const props = isJsonObject(rawSchema.properties) ? rawSchema.properties : {};
    const required = new Set(Array.isArray(rawSchema.required) ? rawSchema.required : []);
    list = Object.entries(props).map(([name, s]) => ({
      name,
      schema: isJsonObject(s) ? s : {},
      required: required.has(name),
      description: isJsonObject(s) && typeof s.description === "string" ? s.description : "",
    }));
  } else if (params instanceof Dict) {
    list = params.keys().map((k) => paramFromSpec(k, params.get(k)));
  }
  const description = entry.map.get("description");
  return {
    name: toolName(entry),
    description: description === undefined || description === null ? "" : display(description),
    params: list,
    rawSchema,
    entry,
  };
}

/** The declared tools of a registry value (or plain list of tool dicts). */
export function declaredTools(registry: Value | null): DeclaredTool[] {
  return toolEntries(registry ?? undefined)
    .map(declared)
    .filter((t) => t.name !== "");
}

/** The JSON Schema of a tool's arguments. */
export function argumentsSchema(tool: DeclaredTool): JsonObject {
  if (tool.rawSchema) return tool.rawSchema;
  const properties: JsonObject = {};
  for (const p of tool.params) properties[p.name] = p.schema;
  return {
    type: "object",
    properties,
    required: tool.params.filter((p) => p.required).map((p) => p.name),
  };
}

/** Why `args` cannot be dispatched to `tool` (missing required parameters), or undefined. */
export function missingArguments(tool: DeclaredTool | undefined, args: JsonValue): string | undefined {
  if (!tool) return undefined;
  const obj = isJsonObject(args) ? args : {};
  const missing = tool.params
    .filter((p) => p.required && (obj[p.name] === undefined || obj[p.name] === null))
    .map((p) => p.name);
  if (missing.length === 0) return undefined;
  return `Tool '${tool.name}' is missing required parameter(s): ${missing.join(", ")}. Provide all required parameters and try again.`;
}

const BACKEND_EXECUTORS = new Set(["host_bridge", "mcp_server", "provider_native"]);

/** Refuses to start a loop whose registry has a tool with no way to run. */
export function checkToolBackends(registry: Value | null): void {
  for (const entry of toolEntries(registry ?? undefined)) {
    const name = toolName(entry);
    if (name === "" || entry.map.get("handler") instanceof Closure || RUNTIME_SERVED_TOOLS.has(name))
      continue;
    const executor = entry.map.get("executor");
    if (typeof executor === "string") {
      if (BACKEND_EXECUTORS.has(executor)) continue;
      if (executor === "harn" || executor === "harn_builtin") {
        throw runtimeError(
          `agent_loop: tool '${name}' declares executor: "${executor}" but has no callable \`handler\`. Reattach the handler fn or change the executor to a backend that does not require one.`,
        );
      }
      throw runtimeError(
        `agent_loop: tool '${name}' declares unknown executor "${executor}". Expected one of: "harn", "host_bridge", "mcp_server", "provider_native".`,
      );
    }
    if (typeof entry.map.get("_mcp_server") === "string") continue;
    throw runtimeError(
      `agent_loop: tool '${name}' has no executable backend — no \`handler\` closure, no declared \`executor\`, and no \`_mcp_server\` annotation. Attach a handler fn, declare another backend, or remove the tool from the registry.`,
    );
  }
}
