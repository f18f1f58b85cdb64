// Runtime validation of annotated parameters against their lowered schema
// (`{type: "int"}`, shapes with properties/required, unions, enums). The
// messages are the reference's ("parameter 'u': missing field 'age' (int)").
// Fast path: a bare `{type: T}` schema compiles to a predicate once.

import { valuesEqual } from "./compare.ts";
import { display, typeName } from "./display.ts";
import { runtimeError, typeError, type VmError } from "./errors.ts";
import { Dict, StructValue, type Value } from "./values.ts";

type Check = (v: Value) => boolean;

const checks = new WeakMap<Dict, Check | null>();

/** `int` accepts floats and `float` accepts ints for parameters (numeric compatibility). */
function matchesType(v: Value, expected: string): boolean {
  switch (expected) {
    case "any":
      return true;
    case "dict":
      return v instanceof Dict || v instanceof StructValue;
    case "int":
    case "float":
      return typeName(v) === "int" || typeName(v) === "float";
    default:
      return actualType(v) === expected;
  }
}

function actualType(v: Value): string {
  return v instanceof StructValue ? "dict" : typeName(v);
}

function isObjectLike(s: Dict): boolean {
  return (
    s.get("type") === "dict" ||
    s.map.has("properties") ||
    s.map.has("required") ||
    s.map.has("additional_properties")
  );
}

function expectedLabel(s: Dict): string {
  if (isObjectLike(s)) return "dict";
  const t = s.get("type");
  if (typeof t === "string") return t;
  const u = s.get("union");
  if (Array.isArray(u))
    return (
      u
        .filter((b): b is Dict => b instanceof Dict)
        .map(expectedLabel)
        .join("|") || "value"
    );
  return "value";
}

function fieldsOf(v: Value): Map<string, Value> | undefined {
  if (v instanceof Dict) return v.map;
  if (v instanceof StructValue) return v.fields;
  return undefined;
}

/** The first problem with `v` against `schema`, or undefined when it conforms. */
function firstError(v: Value, schema: Dict, name: string): string | undefined {
  if (v === null && schema.get("nullable") === true) return undefined;
  const union = schema.get("union");
  if (Array.isArray(union)) {
    for (const branch of union)
      if (branch instanceof Dict && firstError(v, branch, name) === undefined) return undefined;
    return `parameter '${name}' expected ${expectedLabel(schema)}, got ${actualType(v)} (${display(v)})`;
  }
  if (isObjectLike(schema)) {
    const fields = fieldsOf(v);
    if (!fields) return `parameter '${name}': expected dict or struct, got ${typeName(v)}`;
    return firstFieldError(fields, schema, name);
  }
  const t = schema.get("type");
  if (typeof t === "string" && !matchesType(v, t)) {
    return `parameter '${name}' expected ${t}, got ${actualType(v)} (${display(v)})`;
  }
  const allowed = schema.get("enum");
  if (Array.isArray(allowed) && !allowed.some((a) => valuesEqual(a, v))) {
    return `parameter '${name}': value ${display(v)} is not one of ${display(allowed)}`;
  }
  if (schema.map.has("const") && !valuesEqual(schema.get("const"), v)) {
    return `parameter '${name}': expected ${display(schema.get("const"))}, got ${display(v)}`;
  }
  const items = schema.get("items");
  if (items instanceof Dict && Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const e = firstError(v[i]!, items, `${name}[${i}]`);
      if (e !== undefined) return e;
    }
  }
  return undefined;
}

function firstFieldError(fields: Map<string, Value>, schema: Dict, name: string): string | undefined {
  const props = schema.get("properties");
  const required = schema.get("required");
  if (Array.isArray(required)) {
    for (const k of required) {
      const key = display(k);
      if (fields.has(key)) continue;
      const prop = props instanceof Dict ? props.get(key) : null;
      return `parameter '${name}': missing field '${key}' (${prop instanceof Dict ? expectedLabel(prop) : "value"})`;
    }
  }
  if (!(props instanceof Dict)) return undefined;
  for (const key of props.keys()) {
    const value = fields.get(key);
    const prop = props.get(key);
    if (value === undefined || !(prop instanceof Dict)) continue;
    if (isObjectLike(prop)) {
      if (!fieldsOf(value))
        return `parameter '${name}': field '${key}' expected dict or struct, got ${typeName(value)}`;
    } else {
      const t = prop.get("type");
      if (typeof t === "string" && !matchesType(value, t)) {
        return `parameter '${name}': field '${key}' expected ${t}, got ${actualType(value)}`;
      }
    }
    const e = firstError(value, prop, `${name}.${key}`);
    if (e !== undefined) return e;
  }
  return undefined;
}

function compileCheck(schema: Dict): Check | null {
  if (schema.map.size !== 1) return null;
  const t = schema.get("type");
  return typeof t === "string" && t !== "dict" ? (v) => matchesType(v, t) : null;
}

/** Throws the reference's error when `v` does not conform to the parameter schema. */
export function checkParam(v: Value, name: string, schema: Value): void {
  if (!(schema instanceof Dict)) return;
  let fast = checks.get(schema);
  if (fast === undefined) {
    fast = compileCheck(schema);
    checks.set(schema, fast);
  }
  if (fast?.(v)) return;
  const error = firstError(v, schema, name);
  if (error === undefined) return;
  throw paramError(error, schema);
}

function paramError(message: string, schema: Dict): VmError {
  return isObjectLike(schema) ? typeError(message) : runtimeError(`TypeError: ${message}`);
}
