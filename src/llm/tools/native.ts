// Registry tools as the provider sees them on an `llm_call` (spec: "llm_call
// options: tools"): Anthropic-style providers take `{name, description,
// input_schema}`, everyone else the OpenAI wrapper `{type: "function",
// function: {name, description, parameters}}`. The input schema is the
// flat object schema of the parameter names and their type names (a
// parameter given as a dict counts as a string, as in the reference);
// `returns` travels as `x-harn-output-schema`, and `defer_loading` /
// `namespace` sit on the wrapper where tool search reads them.

import { display } from "../../vm/display.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { type JsonObject, valueToJson } from "../json.ts";
import { toolEntries, toolName } from "./registry.ts";
import { thrown } from "../../vm/errors.ts";
import { jsonTypeOf } from "./json-types.ts";

function inputSchema(params: Value | undefined): JsonObject {
  const properties: JsonObject = {};
  const required: string[] = [];
  if (params instanceof Dict) {
    for (const name of params.keys()) {
      properties[name] = { type: jsonTypeOf(display(params.get(name))) ?? "string" };
      required.push(name);
    }
  }
  return { type: "object", properties, required, additionalProperties: false };
}

/** The tools of a registry (or list of tool dicts) in `provider`'s shape. */
export function nativeTools(tools: Value, provider: string): JsonObject[] {
  if (!(tools instanceof Dict) && !Array.isArray(tools)) {
    throw thrown("tools must be a tool_registry or a list of tool definition dicts");
  }
  const items = tools instanceof Dict ? toolEntries(tools) : tools;
  return items.map((item) => {
    if (typeof item === "string")
      throw thrown("tools must be declared as tool definition dicts or a tool_registry");
    if (!(item instanceof Dict)) throw thrown("tools must contain only tool definition dicts");
    const name = toolName(item);
    const description = item.map.has("description") ? display(item.get("description")) : "";
    const schema = inputSchema(item.map.get("parameters"));
    const output = item.map.get("outputSchema");
    const ns = item.map.get("namespace");
    const fn: JsonObject =
      provider === "anthropic"
        ? { name, description, input_schema: schema }
        : { name, description, parameters: schema };
    if (output !== undefined) fn["x-harn-output-schema"] = valueToJson(output);
    const wrapper: JsonObject = provider === "anthropic" ? fn : { type: "function", function: fn };
    if (item.get("defer_loading") === true) wrapper.defer_loading = true;
    if (typeof ns === "string" && ns !== "") wrapper.namespace = ns;
    return wrapper;
  });
}
