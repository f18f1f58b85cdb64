// Run-time half of a `tool NAME(params) -> T { body }` declaration (spec:
// "Tool declarations"). The compiler lowers the declaration to
// `__tool_decl(name, description, handler, params, defaults, returns)`:
// `params` lists `{name, schema, has_default}` with each annotation's
// schema in Harn form (nil when unannotated), `defaults` the evaluated
// default values, `returns` the return annotation's schema or nil. Here the
// schemas become JSON Schema (what models and MCP clients read) and the
// result is a one-tool registry, exactly what `tool_define` would build.

import { display } from "../../vm/display.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { canonicalizeSchema } from "../../runtime/schema/canonicalize.ts";
import { canonicalToJsonSchema } from "../../runtime/schema/json-schema.ts";
import { defineTool } from "./define.ts";
import { emptyToolRegistry } from "./registry.ts";

/** A Harn-form schema as JSON Schema; an unannotated parameter accepts anything. */
function publicSchema(schema: Value): Dict {
  const base = schema instanceof Dict ? schema : Dict.of({ type: "any" });
  return canonicalToJsonSchema(canonicalizeSchema(base), false);
}

function parameterSchemas(params: Value, defaults: Value): Dict {
  const out = new Map<string, Value>();
  const metas = Array.isArray(params) ? params : [];
  const values = Array.isArray(defaults) ? defaults : [];
  metas.forEach((meta, i) => {
    if (!(meta instanceof Dict)) return;
    let schema = publicSchema(meta.get("schema"));
    if (meta.get("has_default") === true) {
      schema = schema.with("required", false).with("default", values[i] ?? null);
    }
    out.set(display(meta.get("name")), schema);
  });
  return new Dict(out);
}

/** `__tool_decl(...)`: the registry a tool declaration binds to its name. */
export function declareTool(args: readonly Value[]): Dict {
  const [name = "", description = "", handler = null, params = [], defaults = [], returns = null] = args;
  const config = new Map<string, Value>([
    ["parameters", parameterSchemas(params, defaults)],
    ["handler", handler],
  ]);
  if (returns instanceof Dict) config.set("returns", publicSchema(returns));
  return defineTool([emptyToolRegistry(), name, description, new Dict(config)]);
}
