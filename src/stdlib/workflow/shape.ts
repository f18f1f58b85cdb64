// Record shapes for the workflow runtime's policy dicts. The reference
// deserializes each policy into a struct whose missing fields take
// defaults and whose fields have fixed types; a shape here does the same
// for a Harn dict: every declared field is present afterwards (nil, false,
// [] or its default), a field of the wrong type fails with a message that
// names the record and the field, and keys the shape does not declare are
// kept as they were, so nothing a program wrote is dropped.

import { display, typeName } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, HFloat, type Value } from "../../vm/values.ts";

/** How one field is checked and what it defaults to. */
export type FieldKind =
  /** string or nil */
  | "str"
  /** int or nil (non-negative counts are not enforced: the reference's usize would reject negatives) */
  | "int"
  /** number (int or float) or nil; ints stay ints */
  | "num"
  /** bool, default false */
  | "bool"
  /** list of strings (a single string becomes a one-item list) */
  | "strs"
  /** any list, default [] */
  | "list"
  /** dict, default {} */
  | "dict"
  /** anything, default nil */
  | "any";

export type Shape = Readonly<Record<string, FieldKind | readonly [FieldKind, Value]>>;

function fail(what: string, key: string, expected: string, v: Value): never {
  throw runtimeError(`${what}: \`${key}\` must be ${expected}, got ${typeName(v)}`);
}

function checked(kind: FieldKind, v: Value, what: string, key: string): Value {
  if (v === null) return null;
  switch (kind) {
    case "str":
      return typeof v === "string" ? v : fail(what, key, "a string", v);
    case "int":
      return typeof v === "number" || typeof v === "bigint" ? v : fail(what, key, "an int", v);
    case "num":
      return typeof v === "number" || typeof v === "bigint" || v instanceof HFloat
        ? v
        : fail(what, key, "a number", v);
    case "bool":
      return typeof v === "boolean" ? v : fail(what, key, "a bool", v);
    case "strs":
      if (typeof v === "string") return [v];
      if (!Array.isArray(v)) return fail(what, key, "a list of strings", v);
      return v.map((x) => (typeof x === "string" ? x : display(x)));
    case "list":
      return Array.isArray(v) ? v : fail(what, key, "a list", v);
    case "dict":
      return v instanceof Dict ? v : fail(what, key, "a dict", v);
    case "any":
      return v;
  }
}

function emptyOf(kind: FieldKind): Value {
  switch (kind) {
    case "bool":
      return false;
    case "strs":
    case "list":
      return [];
    case "dict":
      return new Dict();
    default:
      return null;
  }
}

/** `v` (a dict or nil) with every field of `shape` present and checked. */
export function shaped(v: Value | undefined, shape: Shape, what: string): Dict {
  if (v !== undefined && v !== null && !(v instanceof Dict)) {
    throw runtimeError(`${what}: expected a dict, got ${typeName(v)}`);
  }
  const out = new Map<string, Value>(v instanceof Dict ? v.map : []);
  for (const [key, spec] of Object.entries(shape)) {
    const [kind, fallback] = typeof spec === "string" ? [spec, emptyOf(spec)] : spec;
    const given = out.get(key);
    const value = given === undefined || given === null ? null : checked(kind, given, what, key);
    out.set(key, value === null ? fallback : value);
  }
  return new Dict(out);
}

/** A string field of a shaped dict, or null. */
export function str(d: Dict, key: string): string | null {
  const v = d.get(key);
  return typeof v === "string" ? v : null;
}

/** A non-empty string field (trimmed emptiness counts as missing), or null. */
export function nonEmpty(d: Dict | null, key: string): string | null {
  const v = d?.get(key);
  return typeof v === "string" && v.trim() !== "" ? v : null;
}

/** A string-list field of a shaped dict. */
export function strs(d: Dict, key: string): string[] {
  const v = d.get(key);
  return Array.isArray(v) ? v.map((x) => (typeof x === "string" ? x : display(x))) : [];
}

/** An int field as a JS number, or null. */
export function int(d: Dict | null, key: string): number | null {
  const v = d?.get(key);
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  return null;
}

/** A dict field, or an empty dict. */
export function dict(d: Dict | null, key: string): Dict {
  const v = d?.get(key);
  return v instanceof Dict ? v : new Dict();
}
