// Runtime validation of annotated parameters against their lowered schema
// (spec: "Runtime type checks"). The messages are the reference's: a shape
// reports its first bad field ("parameter 'u': missing field 'age' (int)",
// with a did-you-mean for near-miss keys), a union or primitive reports the
// expected label ("parameter 'v' expected string|int, got bool (true)"), and
// anything deeper falls back to the general validator's texts with the
// `at root: ` prefix dropped ("parameter 'v': at root[1]: expected type
// 'int', got 'string'"). Ints and floats are interchangeable here.
//
// The compiler emits schemas already in canonical form, so no
// canonicalization happens on this path. Fast path: each schema compiles
// once to a conformance predicate (schema-predicate.ts), so a conforming
// argument costs a few tests; only a failing one builds a message.

import { display, typeName } from "./display.ts";
import { compilePredicate, type Predicate } from "./schema-predicate.ts";
import { runtimeError, typeError, type VmError } from "./errors.ts";
import {
  actualValueType,
  expectedLabel,
  fieldsOf,
  isObjectLike,
  resolveRef,
  schemaBool,
  schemaTypeName,
  sortedKeys,
  type ValidationOptions,
  validateAgainst,
  valueMatchesType,
} from "./schema-validate.ts";
import { compareKeys, Dict, type Value } from "./values.ts";

const checks = new WeakMap<Dict, Predicate | null>();

const PARAM_OPTIONS: ValidationOptions = { applyDefaults: false, numericCompat: true };

/** Throws the reference's error when `v` does not conform to the parameter schema. */
export function checkParam(v: Value, name: string, schema: Value): void {
  if (!(schema instanceof Dict)) return;
  let fast = checks.get(schema);
  if (fast === undefined) {
    fast = compilePredicate(schema);
    checks.set(schema, fast);
  }
  if (fast?.(v)) return;
  const error = firstParamError(v, schema, schema, name);
  if (error === undefined) return;
  throw paramError(error, schema);
}

function paramError(message: string, schema: Dict): VmError {
  return isObjectLike(schema) ? typeError(message) : runtimeError(`TypeError: ${message}`);
}

/** The first problem with `v` against `schema`, or undefined when it conforms. */
export function firstParamError(v: Value, schema: Dict, root: Dict, name: string): string | undefined {
  const ref = schema.map.get("$ref");
  if (typeof ref === "string") {
    const resolved = resolveRef(root, ref);
    return resolved && firstParamError(v, resolved, root, name);
  }
  if (v === null && schemaBool(schema, "nullable")) return undefined;
  const allOf = schema.map.get("all_of");
  if (Array.isArray(allOf)) {
    for (const branch of allOf) {
      if (!(branch instanceof Dict)) return undefined;
      const e = firstParamError(v, branch, root, name);
      if (e !== undefined) return e;
    }
    return undefined;
  }
  const union = schema.map.get("union");
  if (Array.isArray(union)) {
    for (const branch of union) {
      if (!(branch instanceof Dict) || firstParamError(v, branch, root, name) === undefined) return undefined;
    }
    return `parameter '${name}' expected ${expectedLabel(schema)}, got ${actualValueType(v)} (${display(v)})`;
  }
  if (isObjectLike(schema)) {
    const fields = fieldsOf(v);
    if (!fields) return `parameter '${name}': expected dict or struct, got ${typeName(v)}`;
    return firstObjectError(fields, schema, root, name);
  }
  const t = schemaTypeName(schema);
  if (t !== undefined && !valueMatchesType(v, t, true)) {
    return `parameter '${name}' expected ${t}, got ${actualValueType(v)} (${display(v)})`;
  }
  const result = validateAgainst(v, schema, root, "root", PARAM_OPTIONS);
  if (result.errors.length === 0) return undefined;
  const joined = result.errors.map((e) => (e.startsWith("at root: ") ? e.slice(9) : e)).join("; ");
  return `parameter '${name}': ${joined}`;
}

function firstObjectError(
  fields: ReadonlyMap<string, Value>,
  schema: Dict,
  root: Dict,
  name: string,
): string | undefined {
  const props = schema.map.get("properties");
  const required = schema.map.get("required");
  if (Array.isArray(required)) {
    for (const k of required) {
      const key = display(k);
      if (!fields.has(key)) return missingField(fields, props, key, name);
    }
  }
  const known = new Set<string>();
  if (props instanceof Dict) {
    for (const key of props.keys()) {
      known.add(key);
      const value = fields.get(key);
      const prop = props.map.get(key);
      if (value === undefined || !(prop instanceof Dict)) continue;
      const e = fieldError(value, prop, root, name, key);
      if (e !== undefined) return e;
    }
  }
  const extra = schema.map.get("additional_properties");
  for (const key of extra === false || extra instanceof Dict ? sortedKeys(fields) : []) {
    if (known.has(key)) continue;
    if (extra === false) return `parameter '${name}': unexpected field '${key}'`;
    const e = fieldError(fields.get(key)!, extra as Dict, root, name, key);
    if (e !== undefined) return e;
  }
  return undefined;
}

/** The check of one present field: shapes nest, other fields report `field 'k' expected T`. */
function fieldError(value: Value, schema: Dict, root: Dict, name: string, key: string): string | undefined {
  if (isObjectLike(schema)) {
    if (!fieldsOf(value)) {
      return `parameter '${name}': field '${key}' expected dict or struct, got ${typeName(value)}`;
    }
    return firstParamError(value, schema, root, `${name}.${key}`);
  }
  const t = schemaTypeName(schema);
  if (t !== undefined && !valueMatchesType(value, t, true)) {
    return `parameter '${name}': field '${key}' expected ${t}, got ${actualValueType(value)}`;
  }
  return firstParamError(value, schema, root, `${name}.${key}`);
}

function missingField(
  fields: ReadonlyMap<string, Value>,
  props: Value | undefined,
  key: string,
  name: string,
): string {
  const prop = props instanceof Dict ? props.map.get(key) : undefined;
  const expected = prop instanceof Dict ? expectedLabel(prop) : "value";
  const initial = String.fromCodePoint(key.codePointAt(0) ?? 0);
  const suggestion =
    key === ""
      ? undefined
      : closestMatch(
          key,
          [...fields.keys()].filter((c) => c.startsWith(initial)),
        );
  const base = `parameter '${name}': missing field '${key}' (${expected})`;
  return suggestion === undefined ? base : `${base}, did you mean '${suggestion}'?`;
}

/**
 * The candidate nearest to `name` by edit distance, within a budget that
 * grows with the name's length; ties go to the closer length, then byte order.
 */
export function closestMatch(name: string, candidates: Iterable<string>): string | undefined {
  const size = utf8Length(name);
  const maxDist = size <= 2 ? 1 : size <= 5 ? 2 : 3;
  let best: { c: string; d: number; len: number } | undefined;
  for (const c of candidates) {
    if (c === name || c.startsWith("__")) continue;
    const d = levenshtein(name, c);
    if (d > maxDist) continue;
    const len = Math.abs(utf8Length(c) - size);
    if (
      !best ||
      d < best.d ||
      (d === best.d && (len < best.len || (len === best.len && compareKeys(c, best.c) < 0)))
    ) {
      best = { c, d, len };
    }
  }
  return best?.c;
}

function levenshtein(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const curr = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      curr[j] = Math.min(prev[j]! + 1, curr[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = curr;
  }
  return prev[y.length]!;
}

function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}
