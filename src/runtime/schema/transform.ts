// Schema transforms (builtins `schema_extend`, `schema_partial`,
// `schema_pick`, `schema_omit`). They work on canonical schema dicts and
// return new dicts; `schema_extend` is a shallow merge, `schema_partial`
// drops `required` at every level, and pick/omit filter the top-level
// properties together with their `required` entries.

import { display } from "../../vm/display.ts";
import { Dict, type Value } from "../../vm/values.ts";

/** `base` with every key of `overrides` replacing its own. */
export function mergeSchemas(base: Dict, overrides: Dict): Dict {
  const merged = new Map(base.map);
  for (const [k, v] of overrides.map) merged.set(k, v);
  return new Dict(merged);
}

/** `schema` with no `required` anywhere, so every property becomes optional. */
export function partialSchema(schema: Dict): Dict {
  const out = new Map(schema.map);
  out.delete("required");
  const props = schema.map.get("properties");
  if (props instanceof Dict) {
    const next = new Map<string, Value>();
    for (const [k, v] of props.map) next.set(k, v instanceof Dict ? partialSchema(v) : v);
    out.set("properties", new Dict(next));
  }
  for (const key of ["union", "all_of"]) {
    const branches = schema.map.get(key);
    if (Array.isArray(branches))
      out.set(
        key,
        branches.map((b) => (b instanceof Dict ? partialSchema(b) : b)),
      );
  }
  for (const key of ["items", "additional_properties"]) {
    const child = schema.map.get(key);
    if (child instanceof Dict) out.set(key, partialSchema(child));
  }
  return new Dict(out);
}

/** Keeps (`keep = true`) or drops the named top-level properties and their `required` entries. */
export function filterProperties(schema: Dict, keys: readonly string[], keep: boolean): Dict {
  const wanted = new Set(keys);
  const out = new Map(schema.map);
  const props = schema.map.get("properties");
  if (props instanceof Dict) {
    const next = new Map<string, Value>();
    for (const [k, v] of props.map) if (wanted.has(k) === keep) next.set(k, v);
    out.set("properties", new Dict(next));
  }
  const required = schema.map.get("required");
  if (Array.isArray(required))
    out.set(
      "required",
      required.filter((k) => wanted.has(display(k)) === keep),
    );
  return new Dict(out);
}
