// The schema validator core and parameter checks, on values built directly:
// error texts and paths, normalization (defaults, dropped items), numeric
// compatibility for parameters only, and the did-you-mean suggestion.

import assert from "node:assert/strict";
import { test } from "node:test";
import type { VmError } from "./errors.ts";
import { display } from "./display.ts";
import { checkParam, closestMatch, firstParamError } from "./param-check.ts";
import { compilePredicate } from "./schema-predicate.ts";
import { resolveRef, rustFloat, validateSchemaValue } from "./schema-validate.ts";
import { Dict, HFloat, HSet, type Value } from "./values.ts";

/** A Dict tree from a plain object (nested objects become dicts). */
function d(entries: Record<string, unknown>): Dict {
  return new Dict(new Map(Object.entries(entries).map(([k, v]) => [k, val(v)])));
}

function val(v: unknown): Value {
  if (Array.isArray(v)) return v.map(val);
  if (
    v !== null &&
    typeof v === "object" &&
    !(v instanceof HFloat) &&
    !(v instanceof Dict) &&
    !(v instanceof HSet)
  ) {
    return d(v as Record<string, unknown>);
  }
  return v as Value;
}

const STRICT = { applyDefaults: false, numericCompat: false };
const DEFAULTS = { applyDefaults: true, numericCompat: false };

function errors(data: unknown, schema: Record<string, unknown>): string[] {
  return validateSchemaValue(val(data), d(schema), STRICT).errors;
}

function paramMessage(v: unknown, schema: Record<string, unknown>, name = "v"): string | undefined {
  try {
    checkParam(val(v), name, d(schema));
    return undefined;
  } catch (e) {
    return (e as VmError).display(display);
  }
}

test("type, length, range and enum errors carry their path", () => {
  const user = {
    type: "dict",
    required: ["name", "age"],
    properties: {
      name: { type: "string", min_length: 2 },
      age: { type: "int", min: 0 },
      tags: { type: "list", items: { type: "string", enum: ["a", "b"] } },
    },
  };
  assert.deepEqual(errors({ name: "A", tags: ["a", "z"] }, user), [
    "at root: missing required key 'age'",
    "at name: expected length >= 2, got 1",
    "at tags[1]: value must be one of [a, b]",
  ]);
  assert.deepEqual(errors({ name: "Ada", age: -1 }, user), ["at age: expected value >= 0, got -1"]);
  assert.deepEqual(errors(42, { type: "string" }), ["at root: expected type 'string', got 'int'"]);
  assert.deepEqual(errors(new HFloat(1.5), { type: "int" }), ["at root: expected type 'int', got 'float'"]);
  assert.deepEqual(errors([1, 2, 3], { type: "list", min_items: 4, max_items: 2 }), [
    "at root: expected at least 4 items, got 3",
    "at root: expected at most 2 items, got 3",
  ]);
});

test("unions, all_of, const, nullable and closed dicts", () => {
  const union = {
    union: [
      { type: "string", min_length: 3 },
      { type: "int", min: 10 },
    ],
  };
  assert.deepEqual(errors(12, union), []);
  assert.deepEqual(errors("hi", union), ["at root: value did not match any union branch"]);
  assert.deepEqual(errors(3, { all_of: [{ type: "int" }, { max: 2 }] }), [
    "at root: expected value <= 2, got 3",
  ]);
  assert.deepEqual(errors("x", { const: "y" }), ["at root: expected constant y, got x"]);
  assert.deepEqual(errors(null, { type: "int", nullable: true }), []);
  assert.deepEqual(errors({ a: 1, z: 2, b: 3 }, { properties: { a: {} }, additional_properties: false }), [
    "at root: unexpected key 'b'",
    "at root: unexpected key 'z'",
  ]);
  assert.deepEqual(errors({ a: 1, b: "x" }, { type: "dict", additional_properties: { type: "int" } }), [
    "at b: expected type 'int', got 'string'",
  ]);
});

test("references resolve through the root schema", () => {
  const schema = d({
    definitions: { Id: { type: "int" } },
    type: "list",
    items: { $ref: "#/definitions/Id" },
  });
  assert.equal(resolveRef(schema, "#/definitions/Id")?.get("type"), "int");
  assert.equal(resolveRef(schema, "#"), schema);
  assert.equal(resolveRef(schema, "#/definitions/Nope"), undefined);
  assert.deepEqual(validateSchemaValue(val([1, "x"]), schema, STRICT).errors, [
    "at [1]: expected type 'int', got 'string'",
  ]);
  assert.deepEqual(errors(1, { $ref: "#/missing" }), ["at root: unresolved schema reference '#/missing'"]);
});

test("normalization applies defaults and drops invalid items", () => {
  const schema = d({
    required: ["name", "role"],
    properties: { name: { type: "string" }, role: { type: "string", default: "user" } },
  });
  const parsed = validateSchemaValue(val({ name: "Ada" }), schema, DEFAULTS);
  assert.deepEqual(parsed.errors, []);
  assert.equal(display(parsed.value), "{name: Ada, role: user}");
  assert.deepEqual(validateSchemaValue(val({ name: "Ada" }), schema, STRICT).errors, [
    "at root: missing required key 'role'",
  ]);
  const list = validateSchemaValue(val([1, "x", 2]), d({ items: { type: "int" } }), STRICT);
  assert.equal(display(list.value), "[1, 2]");
  const set = validateSchemaValue(new HSet([1, 2]), d({ type: "set", items: { type: "int" } }), STRICT);
  assert.ok(set.value instanceof HSet && set.errors.length === 0);
});

test("strings count code points and patterns use Rust-style inline flags", () => {
  assert.deepEqual(errors("héllo", { max_length: 4 }), ["at root: expected length <= 4, got 5"]);
  assert.deepEqual(errors("😀", { max_length: 1 }), []);
  assert.deepEqual(errors("ABC", { pattern: "(?i)^abc$" }), []);
  assert.deepEqual(errors("Core", { pattern: "^[a-z]+$" }), [
    "at root: value does not match pattern '^[a-z]+$'",
  ]);
});

test("floats print like Rust's Display in range messages", () => {
  assert.equal(rustFloat(0), "0");
  assert.equal(rustFloat(-1), "-1");
  assert.equal(rustFloat(2.5), "2.5");
  assert.deepEqual(errors(new HFloat(0.5), { min: new HFloat(1.5) }), [
    "at root: expected value >= 1.5, got 0.5",
  ]);
});

test("parameter checks: primitives, unions and shapes use the reference's messages", () => {
  assert.equal(paramMessage(3, { type: "int" }), undefined);
  assert.equal(paramMessage(new HFloat(3), { type: "int" }), undefined, "ints and floats mix for parameters");
  assert.equal(
    paramMessage("x", { type: "int" }),
    "Runtime error: TypeError: parameter 'v' expected int, got string (x)",
  );
  assert.equal(
    paramMessage(true, { union: [{ type: "string" }, { type: "int" }] }),
    "Runtime error: TypeError: parameter 'v' expected string|int, got bool (true)",
  );
  assert.equal(
    paramMessage(
      { name: "x" },
      { type: "dict", properties: { age: { type: "int" } }, required: ["age"] },
      "u",
    ),
    "Type error: parameter 'u': missing field 'age' (int)",
  );
  assert.equal(
    paramMessage(5, { type: "dict" }),
    "Type error: parameter 'v': expected dict or struct, got int",
  );
  assert.equal(
    paramMessage(
      { a: { b: 1 } },
      { type: "dict", properties: { a: { type: "dict", properties: { b: { type: "string" } } } } },
    ),
    "Type error: parameter 'v.a': field 'b' expected string, got int",
  );
});

test("parameter checks: nested lists and dict values fall back to validator texts", () => {
  assert.equal(
    paramMessage([1, "x"], { type: "list", items: { type: "int" } }),
    "Runtime error: TypeError: parameter 'v': at root[1]: expected type 'int', got 'string'",
  );
  assert.equal(
    paramMessage({ a: 1, b: "x" }, { type: "dict", additional_properties: { type: "int" } }),
    "Type error: parameter 'v': field 'b' expected int, got string",
  );
  assert.equal(
    paramMessage("c", { type: "string", enum: ["a", "b"] }),
    "Runtime error: TypeError: parameter 'v': value must be one of [a, b]",
  );
  assert.equal(
    paramMessage({ a: 1, extra: 2 }, { properties: { a: { type: "int" } }, additional_properties: false }),
    "Type error: parameter 'v': unexpected field 'extra'",
  );
});

test("missing fields suggest a near-miss key with the same initial", () => {
  const shape = { type: "dict", properties: { email: { type: "string" } }, required: ["email"] };
  assert.equal(
    paramMessage({ emial: "x" }, shape, "data"),
    "Type error: parameter 'data': missing field 'email' (string), did you mean 'emial'?",
  );
  assert.equal(
    paramMessage({ mail: "x" }, shape, "data"),
    "Type error: parameter 'data': missing field 'email' (string)",
  );
  assert.equal(closestMatch("name", ["nmae", "nam", "__name"]), "nam");
  assert.equal(closestMatch("ab", ["xyz"]), undefined);
});

test("compiled predicates never accept a value the full parameter check rejects", () => {
  const schemas = [
    { type: "int" },
    { type: "dict" },
    { type: "list", items: { type: "int" } },
    { type: "dict", additional_properties: { type: "string" } },
    { type: "string", enum: ["a", "b"] },
    { type: "int", const: 1 },
    { union: [{ type: "string" }, { type: "nil" }] },
    {
      type: "dict",
      properties: { a: { type: "int" }, b: { type: "list", items: { type: "string" } } },
      required: ["a"],
    },
    { properties: { a: { type: "int" } }, additional_properties: false },
  ];
  const values: unknown[] = [
    null,
    1,
    new HFloat(1),
    "a",
    "z",
    [],
    [1, 2],
    [1, "x"],
    ["x"],
    {},
    { a: 1 },
    { a: "1" },
    { a: 1, b: ["s"] },
    { a: 1, b: [2] },
    { a: 1, c: "x" },
    { x: "y" },
  ];
  for (const schema of schemas) {
    const predicate = compilePredicate(d(schema));
    assert.ok(predicate, `compiles ${JSON.stringify(schema)}`);
    for (const v of values) {
      const accepted = predicate(val(v));
      const root = d(schema);
      const error = firstParamError(val(v), root, root, "v");
      if (accepted) assert.equal(error, undefined, `${JSON.stringify(schema)} accepted ${display(val(v))}`);
      else assert.notEqual(error, undefined, `${JSON.stringify(schema)} rejected ${display(val(v))}`);
    }
  }
  assert.equal(compilePredicate(d({ type: "string", min_length: 2 })), null);
});
