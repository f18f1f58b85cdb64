// Canonicalization of schemas (spec: "Schemas"; builtins
// `schema_from_json_schema`, `schema_from_openapi_schema`). Every schema
// builtin first rewrites its schema argument into Harn's canonical dict
// form, so Harn-style (`{type: "int", min: 0}`), JSON-Schema
// (`{type: "integer", minimum: 0}`, `oneOf`, `additionalProperties`) and
// OpenAPI (`nullable`, `components.schemas`) input validate the same way.
// Only recognised keys survive: annotations (title, description, ...),
// structure (properties, items, union, all_of, $ref, definitions) and
// constraints (min/max, lengths, pattern, enum, const, default).

import { display } from "../../vm/display.ts";
import { Dict, type Value } from "../../vm/values.ts";

/** Annotation keys copied through unchanged, in both directions. */
export const ANNOTATION_KEYS = [
  "title",
  "description",
  "format",
  "deprecated",
  "readOnly",
  "writeOnly",
  "example",
  "examples",
  "x-harn-type",
] as const;

/** Constraints with a Harn name and a JSON-Schema alias; the Harn spelling wins. */
const CONSTRAINT_ALIASES: readonly (readonly [string, string])[] = [
  ["min", "minimum"],
  ["max", "maximum"],
  ["min_length", "minLength"],
  ["max_length", "maxLength"],
  ["min_items", "minItems"],
  ["max_items", "maxItems"],
];

const JSON_TYPE_NAMES: ReadonlyMap<string, string> = new Map([
  ["object", "dict"],
  ["array", "list"],
  ["integer", "int"],
  ["number", "float"],
  ["boolean", "bool"],
  ["null", "nil"],
]);

/** Thrown (as a message) when a schema cannot be canonicalized. */
export class SchemaError extends Error {}

/** The canonical form of `schema`; throws SchemaError when it (or a nested schema) is not a dict. */
export function canonicalizeSchema(schema: Value): Dict {
  if (!(schema instanceof Dict)) throw new SchemaError("schema must be a dict");
  const src = schema.map;
  const out = new Map<string, Value>();
  const copy = (from: string, to = from): void => {
    const v = src.get(from);
    if (v !== undefined) out.set(to, v);
  };
  for (const key of ANNOTATION_KEYS) copy(key);
  copy("$ref");
  const props = src.get("properties");
  if (props instanceof Dict) out.set("properties", canonicalizeMap(props));
  const items = src.get("items");
  if (items !== undefined) out.set("items", canonicalizeSchema(items));
  const extra = firstPresent(src, "additional_properties", "additionalProperties");
  if (typeof extra === "boolean") out.set("additional_properties", extra);
  else if (extra instanceof Dict) out.set("additional_properties", canonicalizeSchema(extra));
  const required = src.get("required");
  if (required !== undefined) {
    out.set("required", Array.isArray(required) ? required.map((k) => display(k)) : []);
  }
  copy("default");
  copy("const");
  copy("enum");
  for (const [harn, json] of CONSTRAINT_ALIASES) {
    const v = firstPresent(src, harn, json);
    if (v !== undefined) out.set(harn, v);
  }
  copy("pattern");
  if (src.get("nullable") === true) out.set("nullable", true);
  canonicalizeDefinitions(src, out);
  const union = firstPresent(src, "union", "oneOf", "anyOf");
  if (union !== undefined) out.set("union", canonicalizeList(union));
  const allOf = firstPresent(src, "all_of", "allOf");
  if (allOf !== undefined) out.set("all_of", canonicalizeList(allOf));
  canonicalizeType(src.get("type"), out);
  if (src.get("uniqueItems") === true && out.get("type") === "list" && !out.has("x-harn-type")) {
    out.set("x-harn-type", "set");
  }
  const harnType = out.get("x-harn-type");
  if (harnType !== undefined && display(harnType) === "set") out.set("type", "set");
  return new Dict(out);
}

/** `type: "integer"` becomes `int`; `type: ["string", "null"]` becomes a union. */
function canonicalizeType(type: Value | undefined, out: Map<string, Value>): void {
  if (typeof type === "string") out.set("type", harnTypeName(type));
  else if (Array.isArray(type)) {
    out.set(
      "union",
      type.map((t) => Dict.of({ type: harnTypeName(display(t)) })),
    );
  }
}

function canonicalizeDefinitions(src: ReadonlyMap<string, Value>, out: Map<string, Value>): void {
  const definitions = src.get("definitions");
  if (definitions instanceof Dict) out.set("definitions", canonicalizeMap(definitions));
  const components = src.get("components");
  if (components instanceof Dict) {
    const schemas = components.map.get("schemas");
    out.set(
      "components",
      schemas instanceof Dict ? components.with("schemas", canonicalizeMap(schemas)) : components,
    );
  }
}

/** The value of the first of `keys` present in `src` (a present nil counts: it blocks the aliases). */
function firstPresent(src: ReadonlyMap<string, Value>, ...keys: string[]): Value | undefined {
  for (const key of keys) if (src.has(key)) return src.get(key);
  return undefined;
}

function canonicalizeMap(source: Dict): Dict {
  const next = new Map<string, Value>();
  for (const [key, value] of source.map) next.set(key, canonicalizeSchema(value));
  return new Dict(next);
}

function canonicalizeList(value: Value): Value[] {
  if (!Array.isArray(value)) throw new SchemaError("schema union/all_of must be a list");
  return value.map(canonicalizeSchema);
}

function harnTypeName(name: string): string {
  return JSON_TYPE_NAMES.get(name) ?? name;
}
