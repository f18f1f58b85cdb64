// The schema validator core (spec: "Schemas"; builtins `schema_check`,
// `schema_parse`, `schema_is`, `json_validate`, and parameter checks). It
// walks a value against a schema in Harn's canonical dict form and collects
// every problem as `at <path>: <message>`, with the reference's texts, while
// building the normalized value (defaults applied, invalid children left
// out). It lives in vm/ because parameter checks (param-check.ts) need it and
// the vm layer may not import runtime/; canonicalization of JSON-Schema input
// happens before it, in runtime/schema/.

import { valuesEqual } from "./compare.ts";
import { display, typeName } from "./display.ts";
import { formatFloat, intToNumber } from "./numbers.ts";
import { compareKeys, Dict, HFloat, HSet, StructValue, type Value } from "./values.ts";

export interface ValidationOptions {
  /** Fill in `default` values of absent properties (`schema_parse`). */
  readonly applyDefaults: boolean;
  /** `int` accepts floats and `float` accepts ints (parameters only). */
  readonly numericCompat: boolean;
}

export interface Validation {
  /** The normalized value: defaults applied, invalid children dropped. */
  readonly value: Value;
  readonly errors: string[];
}

// ---- schema accessors ---------------------------------------------------------

export function schemaTypeName(schema: Dict): string | undefined {
  const t = schema.map.get("type");
  return typeof t === "string" ? t : undefined;
}

/** Shapes and dicts: validated field by field. */
export function isObjectLike(schema: Dict): boolean {
  return (
    schemaTypeName(schema) === "dict" ||
    schema.map.has("properties") ||
    schema.map.has("required") ||
    schema.map.has("additional_properties")
  );
}

/** What a schema expects, for messages: `dict`, `int`, `string|int`, or `value`. */
export function expectedLabel(schema: Dict): string {
  if (isObjectLike(schema)) return "dict";
  const t = schemaTypeName(schema);
  if (t !== undefined) return t;
  const union = schema.map.get("union");
  if (Array.isArray(union)) {
    const labels = union.filter((b): b is Dict => b instanceof Dict).map(expectedLabel);
    if (labels.length > 0) return labels.join("|");
  }
  return "value";
}

export function schemaBool(schema: Dict, key: string): boolean {
  return schema.map.get(key) === true;
}

/** An int-valued constraint as a JS number (floats do not count). */
export function schemaInt(schema: Dict, key: string): number | undefined {
  const v = schema.map.get(key);
  return typeof v === "number" || typeof v === "bigint" ? intToNumber(v) : undefined;
}

/** A numeric constraint (int or float). */
export function schemaNumber(schema: Dict, key: string): number | undefined {
  const v = schema.map.get(key);
  if (typeof v === "number" || typeof v === "bigint") return intToNumber(v);
  return v instanceof HFloat ? v.v : undefined;
}

/** Structs validate like dicts. */
export function actualValueType(v: Value): string {
  return v instanceof StructValue ? "dict" : typeName(v);
}

export function valueMatchesType(v: Value, expected: string, numericCompat: boolean): boolean {
  switch (expected) {
    case "any":
      return true;
    case "dict":
      return v instanceof Dict || v instanceof StructValue;
    case "int":
      return typeof v === "number" || typeof v === "bigint" || (numericCompat && v instanceof HFloat);
    case "float":
      return v instanceof HFloat || (numericCompat && (typeof v === "number" || typeof v === "bigint"));
    default:
      return actualValueType(v) === expected;
  }
}

/** The fields of a dict or struct, else undefined. */
export function fieldsOf(v: Value): ReadonlyMap<string, Value> | undefined {
  if (v instanceof Dict) return v.map;
  if (v instanceof StructValue) return v.fields;
  return undefined;
}

// ---- paths and references -------------------------------------------------------

export function locationLabel(path: string): string {
  return path === "" ? "root" : path;
}

export function childPath(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

export function indexPath(path: string, index: number): string {
  return path === "" ? `[${index}]` : `${path}[${index}]`;
}

/** Follows a JSON pointer (`#/definitions/User`) from the root schema to a schema dict. */
export function resolveRef(root: Dict, pointer: string): Dict | undefined {
  const stripped = pointer.replace(/^#*/, "").replace(/^\/*/, "");
  if (stripped === "") return root;
  let current: Value = root;
  for (const segment of stripped.split("/")) {
    const key = segment.replaceAll("~1", "/").replaceAll("~0", "~");
    if (current instanceof Dict) {
      const next = current.map.get(key);
      if (next === undefined) return undefined;
      current = next;
    } else if (Array.isArray(current)) {
      if (!/^\+?\d+$/.test(key)) return undefined;
      const next: Value | undefined = current[Number(key)];
      if (next === undefined) return undefined;
      current = next;
    } else {
      return undefined;
    }
  }
  return current instanceof Dict ? current : undefined;
}

// ---- validation -------------------------------------------------------------------

/** Validates `data` against `schema` (already canonical); a non-dict schema accepts anything. */
export function validateSchemaValue(data: Value, schema: Value, options: ValidationOptions): Validation {
  const root = schema instanceof Dict ? schema : new Dict();
  return validateAgainst(data, root, root, "", options);
}

export function validateAgainst(
  value: Value,
  schema: Dict,
  root: Dict,
  path: string,
  options: ValidationOptions,
): Validation {
  const ref = schema.map.get("$ref");
  if (typeof ref === "string") {
    const resolved = resolveRef(root, ref);
    if (resolved) return validateAgainst(value, resolved, root, path, options);
    return { value, errors: [`at ${locationLabel(path)}: unresolved schema reference '${ref}'`] };
  }
  if (value === null && schemaBool(schema, "nullable")) return { value: null, errors: [] };
  if (schema.map.has("const")) {
    const expected = schema.get("const");
    if (!valuesEqual(value, expected)) {
      return {
        value,
        errors: [`at ${locationLabel(path)}: expected constant ${display(expected)}, got ${display(value)}`],
      };
    }
  }

  const errors: string[] = [];
  let normalized = value;
  const allOf = schema.map.get("all_of");
  if (Array.isArray(allOf)) {
    for (const branch of allOf) {
      if (!(branch instanceof Dict)) continue;
      const r = validateAgainst(normalized, branch, root, path, options);
      normalized = r.value;
      errors.push(...r.errors);
    }
  }
  const union = schema.map.get("union");
  if (Array.isArray(union)) {
    const matched = matchUnion(value, union, root, path, options);
    if (matched) normalized = matched.value;
    else errors.push(`at ${locationLabel(path)}: value did not match any union branch`);
  }
  const expected = schemaTypeName(schema);
  if (expected !== undefined && !valueMatchesType(value, expected, options.numericCompat)) {
    errors.push(`at ${locationLabel(path)}: expected type '${expected}', got '${actualValueType(value)}'`);
    return { value: normalized, errors };
  }
  normalized = validateContents(normalized, schema, root, path, options, errors);
  return { value: normalized, errors };
}

function matchUnion(
  value: Value,
  branches: Value[],
  root: Dict,
  path: string,
  options: ValidationOptions,
): Validation | undefined {
  for (const branch of branches) {
    if (!(branch instanceof Dict)) continue;
    const r = validateAgainst(value, branch, root, path, options);
    if (r.errors.length === 0) return r;
  }
  return undefined;
}

/** Per-kind checks (fields, items, lengths, ranges, enum); returns the normalized value. */
function validateContents(
  value: Value,
  schema: Dict,
  root: Dict,
  path: string,
  options: ValidationOptions,
  errors: string[],
): Value {
  const at = locationLabel(path);
  if (value instanceof Dict || value instanceof StructValue) {
    return validateObjectFields(value, schema, root, path, options, errors);
  }
  if (Array.isArray(value) || value instanceof HSet) {
    return validateItems(value, schema, root, path, options, errors);
  }
  if (typeof value === "string") {
    const length = codePointLength(value);
    const min = schemaInt(schema, "min_length");
    if (min !== undefined && length < min) errors.push(`at ${at}: expected length >= ${min}, got ${length}`);
    const max = schemaInt(schema, "max_length");
    if (max !== undefined && length > max) errors.push(`at ${at}: expected length <= ${max}, got ${length}`);
    const pattern = schema.map.get("pattern");
    if (typeof pattern === "string") checkPattern(value, pattern, at, errors);
    checkEnum(value, schema, at, errors);
    return value;
  }
  if (typeof value === "number" || typeof value === "bigint" || value instanceof HFloat) {
    const n = value instanceof HFloat ? value.v : intToNumber(value);
    const min = schemaNumber(schema, "min");
    if (min !== undefined && n < min)
      errors.push(`at ${at}: expected value >= ${rustFloat(min)}, got ${rustFloat(n)}`);
    const max = schemaNumber(schema, "max");
    if (max !== undefined && n > max)
      errors.push(`at ${at}: expected value <= ${rustFloat(max)}, got ${rustFloat(n)}`);
    checkEnum(value, schema, at, errors);
    return value;
  }
  if (value === null || typeof value === "boolean") checkEnum(value, schema, at, errors);
  return value;
}

function validateItems(
  value: Value[] | HSet,
  schema: Dict,
  root: Dict,
  path: string,
  options: ValidationOptions,
  errors: string[],
): Value {
  const items = Array.isArray(value) ? value : value.items;
  const at = locationLabel(path);
  const min = schemaInt(schema, "min_items");
  if (min !== undefined && items.length < min) {
    errors.push(`at ${at}: expected at least ${min} items, got ${items.length}`);
  }
  const max = schemaInt(schema, "max_items");
  if (max !== undefined && items.length > max) {
    errors.push(`at ${at}: expected at most ${max} items, got ${items.length}`);
  }
  const itemSchema = schema.map.get("items");
  if (!(itemSchema instanceof Dict)) return value;
  const kept: Value[] = [];
  items.forEach((item, i) => {
    const r = validateAgainst(item, itemSchema, root, indexPath(path, i), options);
    if (r.errors.length === 0) kept.push(r.value);
    else errors.push(...r.errors);
  });
  return Array.isArray(value) ? kept : new HSet(kept);
}

function validateObjectFields(
  value: Dict | StructValue,
  schema: Dict,
  root: Dict,
  path: string,
  options: ValidationOptions,
  errors: string[],
): Value {
  const fields: ReadonlyMap<string, Value> = value instanceof Dict ? value.map : value.fields;
  const merged = new Map(fields);
  const at = locationLabel(path);
  const props = schema.map.get("properties");
  const required = schema.map.get("required");
  if (Array.isArray(required)) {
    for (const k of required) {
      const key = display(k);
      if (fields.has(key)) continue;
      const prop = props instanceof Dict ? props.map.get(key) : undefined;
      if (options.applyDefaults && prop instanceof Dict && prop.map.has("default")) continue;
      errors.push(`at ${at}: missing required key '${key}'`);
    }
  }
  const known = new Set<string>();
  const checkChild = (key: string, child: Value, childSchema: Dict): void => {
    const r = validateAgainst(child, childSchema, root, childPath(path, key), options);
    if (r.errors.length === 0) merged.set(key, r.value);
    else errors.push(...r.errors);
  };
  if (props instanceof Dict) {
    for (const key of props.keys()) {
      known.add(key);
      const prop = props.map.get(key);
      if (!(prop instanceof Dict)) continue;
      const present = fields.get(key);
      if (present !== undefined) checkChild(key, present, prop);
      else if (options.applyDefaults && prop.map.has("default")) checkChild(key, prop.get("default"), prop);
    }
  }
  const extra = schema.map.get("additional_properties");
  if (extra === false) {
    for (const key of sortedKeys(fields))
      if (!known.has(key)) errors.push(`at ${at}: unexpected key '${key}'`);
  } else if (extra instanceof Dict) {
    for (const key of sortedKeys(fields)) if (!known.has(key)) checkChild(key, fields.get(key)!, extra);
  }
  return value instanceof Dict ? new Dict(merged) : new StructValue(value.type, merged);
}

/** Field names in byte order, the order the reference reports them in. */
export function sortedKeys(fields: ReadonlyMap<string, Value>): string[] {
  return [...fields.keys()].sort(compareKeys);
}

function checkEnum(value: Value, schema: Dict, at: string, errors: string[]): void {
  const allowed = schema.map.get("enum");
  if (!Array.isArray(allowed) || allowed.some((a) => valuesEqual(a, value))) return;
  errors.push(`at ${at}: value must be one of [${allowed.map(display).join(", ")}]`);
}

function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

/** A float as Rust's `{}` prints it: no `.0` on integral values, never an exponent. */
export function rustFloat(x: number): string {
  const text = formatFloat(x);
  return text.endsWith(".0") ? text.slice(0, -2) : text;
}

// ---- patterns ------------------------------------------------------------------------

const PATTERN_CACHE_LIMIT = 256;
const patternCache = new Map<string, RegExp | string>();

function checkPattern(text: string, pattern: string, at: string, errors: string[]): void {
  const re = compilePattern(pattern);
  if (typeof re === "string") errors.push(`at ${at}: invalid regex pattern '${pattern}': ${re}`);
  else if (!re.test(text)) errors.push(`at ${at}: value does not match pattern '${pattern}'`);
}

/**
 * A schema `pattern` (Rust regex syntax) as a JS RegExp, or the error text.
 * Covers the common differences: leading inline flags `(?i)`, `(?P<name>`,
 * `\A` and `\z`. Cached, since a schema's few patterns recur on every value.
 */
function compilePattern(pattern: string): RegExp | string {
  const cached = patternCache.get(pattern);
  if (cached !== undefined) return cached;
  let source = pattern;
  let flags = "";
  const inline = /^\(\?([imsx]+)\)/.exec(source);
  if (inline) {
    flags = [...new Set(inline[1]!.replace("x", ""))].join("");
    source = source.slice(inline[0].length);
  }
  source = source.replaceAll("(?P<", "(?<").replaceAll("\\A", "^").replaceAll("\\z", "$");
  let entry: RegExp | string;
  try {
    entry = new RegExp(source, `${flags}u`);
  } catch {
    try {
      entry = new RegExp(source, flags);
    } catch (e) {
      entry = e instanceof Error ? e.message : String(e);
    }
  }
  if (patternCache.size >= PATTERN_CACHE_LIMIT) patternCache.clear();
  patternCache.set(pattern, entry);
  return entry;
}
