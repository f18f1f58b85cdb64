// Export of canonical schemas as JSON Schema or OpenAPI schema objects
// (builtins `schema_to_json_schema`, `schema_to_openapi_schema`). Harn type
// names map back to JSON ones (`int` -> `integer`, `dict` -> `object`),
// `set` becomes a unique-items array, closures and builtins become strings
// tagged `x-harn-type`, unions become `oneOf`, and `nullable` is spelled
// `type: [T, "null"]` for JSON Schema but kept as `nullable: true` for
// OpenAPI. Values embedded in the schema (`default`, `const`, `enum`) pass
// through JSON data form, so non-JSON values come back as their text.

import { display } from "../../vm/display.ts";
import { BytesValue, Dict, HFloat, HSet, type Value } from "../../vm/values.ts";
import { ANNOTATION_KEYS } from "./canonicalize.ts";
import { schemaInt, schemaNumber, schemaTypeName } from "../../vm/schema-validate.ts";

const JSON_TYPE_NAMES: ReadonlyMap<string, string> = new Map([
  ["int", "integer"],
  ["float", "number"],
  ["bool", "boolean"],
  ["list", "array"],
  ["dict", "object"],
  ["nil", "null"],
]);

/** Tag of bytes in JSON data form: `{"$bytes_b64": "..."}`. */
export const BYTES_B64_TAG = "$bytes_b64";

/** `schema` (canonical) as a JSON Schema (or OpenAPI, when `openapi`) dict. */
export function canonicalToJsonSchema(schema: Value, openapi: boolean): Dict {
  if (!(schema instanceof Dict)) return new Dict();
  const s = schema.map;
  const out = new Map<string, Value>();
  const ref = s.get("$ref");
  if (typeof ref === "string") out.set("$ref", ref);
  exportType(schemaTypeName(schema), out);
  exportConstraints(schema, out);
  const items = s.get("items");
  if (items instanceof Dict) out.set("items", canonicalToJsonSchema(items, openapi));
  const props = s.get("properties");
  if (props instanceof Dict) out.set("properties", mapSchemas(props, openapi));
  const required = s.get("required");
  if (Array.isArray(required))
    out.set(
      "required",
      required.map((k) => display(k)),
    );
  const extra = s.get("additional_properties");
  if (extra !== undefined) {
    const exported =
      typeof extra === "boolean"
        ? extra
        : extra instanceof Dict
          ? canonicalToJsonSchema(extra, openapi)
          : true;
    out.set("additionalProperties", exported);
  }
  // The reference folds a two-branch union with a `null` branch into
  // `nullable` for OpenAPI only when a branch *is* the string "null", which
  // an exported branch never is; so unions always stay `oneOf`.
  const union = s.get("union");
  if (Array.isArray(union))
    out.set(
      "oneOf",
      union.map((b) => canonicalToJsonSchema(b, openapi)),
    );
  const allOf = s.get("all_of");
  if (Array.isArray(allOf))
    out.set(
      "allOf",
      allOf.map((b) => canonicalToJsonSchema(b, openapi)),
    );
  if (s.get("nullable") === true) {
    const type = out.get("type");
    if (openapi) out.set("nullable", true);
    else if (type !== undefined) out.set("type", [type, "null"]);
  }
  exportDefinitions(schema, openapi, out);
  for (const key of ANNOTATION_KEYS) {
    const v = s.get(key);
    if (v !== undefined) out.set(key, toJsonData(v));
  }
  return new Dict(out);
}

function exportType(type: string | undefined, out: Map<string, Value>): void {
  switch (type) {
    case undefined:
      return;
    case "set":
      out.set("type", "array");
      out.set("uniqueItems", true);
      return;
    case "closure":
    case "builtin":
      out.set("type", "string");
      out.set("x-harn-type", type);
      return;
    default:
      out.set("type", JSON_TYPE_NAMES.get(type) ?? type);
  }
}

function exportConstraints(schema: Dict, out: Map<string, Value>): void {
  const min = schemaNumber(schema, "min");
  if (min !== undefined) out.set("minimum", jsonFloat(min));
  const max = schemaNumber(schema, "max");
  if (max !== undefined) out.set("maximum", jsonFloat(max));
  for (const [harn, json] of [
    ["min_length", "minLength"],
    ["max_length", "maxLength"],
    ["min_items", "minItems"],
    ["max_items", "maxItems"],
  ] as const) {
    if (schemaInt(schema, harn) !== undefined) out.set(json, schema.get(harn));
  }
  const pattern = schema.map.get("pattern");
  if (typeof pattern === "string") out.set("pattern", pattern);
  for (const key of ["default", "const"]) {
    const v = schema.map.get(key);
    if (v !== undefined) out.set(key, toJsonData(v));
  }
  const allowed = schema.map.get("enum");
  if (Array.isArray(allowed)) out.set("enum", allowed.map(toJsonData));
}

function exportDefinitions(schema: Dict, openapi: boolean, out: Map<string, Value>): void {
  const definitions = schema.map.get("definitions");
  if (definitions instanceof Dict) out.set("definitions", mapSchemas(definitions, openapi));
  const components = schema.map.get("components");
  if (!(components instanceof Dict)) return;
  const next = new Map<string, Value>();
  for (const [key, value] of components.map) {
    next.set(
      key,
      key === "schemas" ? mapSchemas(value instanceof Dict ? value : new Dict(), openapi) : toJsonData(value),
    );
  }
  out.set("components", new Dict(next));
}

function mapSchemas(schemas: Dict, openapi: boolean): Dict {
  const next = new Map<string, Value>();
  for (const [name, child] of schemas.map) next.set(name, canonicalToJsonSchema(child, openapi));
  return new Dict(next);
}

/** A number that went through JSON as a float: non-finite values become null. */
function jsonFloat(x: number): Value {
  return Number.isFinite(x) ? new HFloat(x) : null;
}

/**
 * `v` after a trip through JSON data: lists and sets become lists, bytes
 * become `{"$bytes_b64": ...}`, non-finite floats nil, and values JSON cannot
 * hold (closures, structs, enums, ...) their display text.
 */
export function toJsonData(v: Value): Value {
  if (v === null || typeof v === "boolean" || typeof v === "number" || typeof v === "bigint") return v;
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return v.map(toJsonData);
  if (v instanceof HFloat) return jsonFloat(v.v);
  if (v instanceof HSet) return v.items.map(toJsonData);
  if (v instanceof BytesValue) return Dict.of({ [BYTES_B64_TAG]: base64(v.bytes) });
  if (v instanceof Dict) {
    const next = new Map<string, Value>();
    for (const [k, x] of v.map) next.set(k, toJsonData(x));
    return new Dict(next);
  }
  return display(v);
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function base64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63]! : "=";
    out += i + 2 < bytes.length ? B64[n & 63]! : "=";
  }
  return out;
}
