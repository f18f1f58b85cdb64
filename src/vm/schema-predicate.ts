// Compiled conformance predicates for parameter schemas. A typed call
// checks its arguments on every call, and building error lists through the
// general validator each time would cost allocations even when the argument
// is fine. The schemas the compiler emits for annotations (primitive types,
// lists, `dict<string, V>`, shapes, literal enums, unions) compile here once
// into a plain boolean test. A predicate may say "no" to a value the full
// check accepts (the caller then runs the full check), but never "yes" to a
// value it rejects. Schemas with other keywords do not compile (null).

import { valuesEqual } from "./compare.ts";
import { display } from "./display.ts";
import { schemaTypeName, valueMatchesType } from "./schema-validate.ts";
import { Dict, HSet, StructValue, type Value } from "./values.ts";

export type Predicate = (v: Value) => boolean;

const COMPILABLE_KEYS = new Set([
  "type",
  "items",
  "union",
  "properties",
  "required",
  "additional_properties",
  "enum",
  "const",
]);

const always: Predicate = () => true;

/** A predicate accepting only values that conform to `schema` under parameter rules, or null. */
export function compilePredicate(schema: Dict): Predicate | null {
  for (const key of schema.map.keys()) if (!COMPILABLE_KEYS.has(key)) return null;
  const union = schema.map.get("union");
  if (union !== undefined)
    return schema.map.size === 1 && Array.isArray(union) ? unionPredicate(union) : null;
  const t = schemaTypeName(schema);
  if (schema.map.has("type") && t === undefined) return null;
  const objectLike =
    t === "dict" ||
    schema.map.has("properties") ||
    schema.map.has("required") ||
    schema.map.has("additional_properties");
  if (objectLike) return t === undefined || t === "dict" ? objectPredicate(schema) : null;
  const parts: Predicate[] = [];
  if (t !== undefined) parts.push((v) => valueMatchesType(v, t, true));
  const items = schema.map.get("items");
  if (items instanceof Dict) {
    const item = compilePredicate(items);
    if (item === null) return null;
    parts.push((v) => (Array.isArray(v) ? v.every(item) : v instanceof HSet ? v.items.every(item) : true));
  } else if (items !== undefined) return null;
  const allowed = schema.map.get("enum");
  if (Array.isArray(allowed)) parts.push((v) => allowed.some((a) => valuesEqual(a, v)));
  else if (allowed !== undefined) return null;
  if (schema.map.has("const")) {
    const expected = schema.get("const");
    parts.push((v) => valuesEqual(expected, v));
  }
  return all(parts);
}

function unionPredicate(branches: Value[]): Predicate | null {
  const compiled: Predicate[] = [];
  for (const branch of branches) {
    if (!(branch instanceof Dict)) return null;
    const p = compilePredicate(branch);
    if (p === null) return null;
    compiled.push(p);
  }
  return (v) => compiled.some((p) => p(v));
}

function objectPredicate(schema: Dict): Predicate | null {
  const required = schema.map.get("required");
  const keys = Array.isArray(required) ? required.map((k) => display(k)) : [];
  const props = new Map<string, Predicate>();
  const propSchemas = schema.map.get("properties");
  if (propSchemas instanceof Dict) {
    for (const [key, prop] of propSchemas.map) {
      if (!(prop instanceof Dict)) {
        props.set(key, always);
        continue;
      }
      const p = compilePredicate(prop);
      if (p === null) return null;
      props.set(key, p);
    }
  }
  const extra = schema.map.get("additional_properties");
  let rest: Predicate | null = always;
  if (extra === false) rest = null;
  else if (extra instanceof Dict) rest = compilePredicate(extra) ?? never;
  const closed = rest === null;
  const restCheck = rest ?? never;
  return (v) => {
    const fields = v instanceof Dict ? v.map : v instanceof StructValue ? v.fields : undefined;
    if (fields === undefined) return false;
    for (const key of keys) if (!fields.has(key)) return false;
    for (const [key, value] of fields) {
      const p = props.get(key);
      if (p !== undefined) {
        if (!p(value)) return false;
      } else if (closed || !restCheck(value)) return false;
    }
    return true;
  };
}

const never: Predicate = () => false;

function all(parts: Predicate[]): Predicate {
  if (parts.length === 0) return always;
  if (parts.length === 1) return parts[0]!;
  return (v) => parts.every((p) => p(v));
}
