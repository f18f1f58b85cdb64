// The schema runtime: canonicalization of JSON-Schema/OpenAPI input, export
// back to JSON Schema and OpenAPI, transforms, and the builtins as Harn
// programs see them (results, thrown messages, alias lowering).

import assert from "node:assert/strict";
import { test } from "node:test";
import { compileSource, createVm, uncaughtMessage } from "../../engine.ts";
import { display } from "../../vm/display.ts";
import { BytesValue, Dict, HFloat, type Value } from "../../vm/values.ts";
import { canonicalizeSchema, SchemaError } from "./canonicalize.ts";
import { canonicalToJsonSchema, toJsonData } from "./json-schema.ts";
import { registerSchemaBuiltins } from "./builtins.ts";
import { filterProperties, partialSchema } from "./transform.ts";

function d(entries: Record<string, unknown>): Dict {
  return new Dict(new Map(Object.entries(entries).map(([k, v]) => [k, val(v)])));
}

function val(v: unknown): Value {
  if (Array.isArray(v)) return v.map(val);
  if (v !== null && typeof v === "object" && !(v instanceof HFloat) && !(v instanceof Dict)) {
    return d(v as Record<string, unknown>);
  }
  return v as Value;
}

/** Runs a program body inside `pipeline default()` (after top-level `types`) with the schema builtins installed. */
async function run(body: string, types = ""): Promise<string[]> {
  const out: string[] = [];
  const compiled = compileSource(`${types}\npipeline default() {\n${body}\n}\n`, "schema.harn");
  assert.ok(compiled.module, compiled.diagnostics.map((x) => x.message).join("; "));
  const vm = createVm({ output: (s) => out.push(s), errorOutput: () => {} });
  registerSchemaBuiltins(vm);
  const r = await vm.run(compiled.module);
  if (r.error) out.push(`error: ${uncaughtMessage(r.error)}\n`);
  return out.join("").trimEnd().split("\n");
}

test("JSON-Schema and OpenAPI spellings canonicalize to Harn's", () => {
  const c = canonicalizeSchema(
    d({
      type: "object",
      properties: {
        n: { type: "integer", minimum: 0, maxLength: 3 },
        xs: { type: "array", uniqueItems: true },
      },
      additionalProperties: false,
      required: ["n", 5],
      unknown_key: 1,
    }),
  );
  assert.equal(
    display(c),
    "{additional_properties: false, properties: {n: {max_length: 3, min: 0, type: int}, xs: {type: set, x-harn-type: set}}, required: [n, 5], type: dict}",
  );
  assert.equal(
    display(canonicalizeSchema(d({ type: ["string", "null"] }))),
    "{union: [{type: string}, {type: nil}]}",
  );
  assert.equal(
    display(canonicalizeSchema(d({ anyOf: [{ type: "number" }], nullable: true }))),
    "{nullable: true, union: [{type: float}]}",
  );
  assert.equal(
    display(canonicalizeSchema(d({ components: { schemas: { A: { type: "boolean" } }, other: 1 } }))),
    "{components: {other: 1, schemas: {A: {type: bool}}}}",
  );
  assert.throws(() => canonicalizeSchema(5), SchemaError);
  assert.throws(() => canonicalizeSchema(d({ items: 3 })), /schema must be a dict/);
  assert.throws(() => canonicalizeSchema(d({ union: {} })), /schema union\/all_of must be a list/);
});

test("export maps types back and spells nullable per target", () => {
  const schema = canonicalizeSchema(d({ type: "int", nullable: true, min: 1, max_length: 2, enum: [1, 2] }));
  assert.equal(
    display(canonicalToJsonSchema(schema, false)),
    "{enum: [1, 2], maxLength: 2, minimum: 1.0, type: [integer, null]}",
  );
  assert.equal(
    display(canonicalToJsonSchema(schema, true)),
    "{enum: [1, 2], maxLength: 2, minimum: 1.0, nullable: true, type: integer}",
  );
  assert.equal(
    display(
      canonicalToJsonSchema(d({ type: "set", items: { type: "closure" }, union: [{ type: "nil" }] }), false),
    ),
    "{items: {type: string, x-harn-type: closure}, oneOf: [{type: null}], type: array, uniqueItems: true}",
  );
  assert.equal(display(canonicalToJsonSchema(5, false)), "{}");
});

test("embedded values pass through JSON data form", () => {
  assert.equal(display(toJsonData(new HFloat(Number.NaN))), "nil");
  assert.equal(display(toJsonData(new BytesValue(new Uint8Array([104, 105])))), "{$bytes_b64: aGk=}");
  assert.equal(display(toJsonData([new HFloat(2), 3n ** 40n])), `[2.0, ${3n ** 40n}]`);
});

test("partial, pick and omit", () => {
  const schema = d({
    required: ["a", "b"],
    properties: { a: { required: ["x"] }, b: {} },
    items: { required: ["y"] },
  });
  assert.equal(display(partialSchema(schema)), "{items: {}, properties: {a: {}, b: {}}}");
  assert.equal(
    display(filterProperties(schema, ["a"], true)),
    "{items: {required: [y]}, properties: {a: {required: [x]}}, required: [a]}",
  );
  assert.equal(
    display(filterProperties(schema, ["a"], false)),
    "{items: {required: [y]}, properties: {b: {}}, required: [b]}",
  );
});

test("schema_check and schema_parse return Results with every error", async () => {
  assert.deepEqual(
    await run(`
let s = {type: "dict", required: ["name"], properties: {name: {type: "string"}, role: {type: "string", default: "user"}}}
println(schema_check({name: "Ada"}, s))
println(schema_parse({name: "Ada"}, s))
let bad = schema_check({name: 1}, s)
println(unwrap_err(bad).errors)
println(unwrap_err(bad).value)
println(schema_check(1, 5))
`),
    [
      "Result.Ok({name: Ada})",
      "Result.Ok({name: Ada, role: user})",
      "[at name: expected type 'string', got 'int']",
      "{name: 1}",
      "Result.Err({errors: [schema must be a dict], message: schema must be a dict})",
    ],
  );
});

test("schema_is, is_type, schema_expect and json_validate", async () => {
  assert.deepEqual(
    await run(
      `
println(schema_is("pass", Verdict))
println(is_type("nope", Verdict))
println(schema_is({title: "x"}, schema_from_json_schema({type: "object", required: ["title"]})))
println(schema_expect({}, {properties: {n: {type: "int", default: 3}}}, true))
try { schema_expect({}, {required: ["a", "b"]}) } catch (e) { println(e) }
try { schema_is(1, "int") } catch (e) { println(e) }
println(json_validate([1, 2], {type: "list", items: {type: "int"}}))
json_validate({name: "alice"}, {type: "dict", required: ["name", "age"]})
`,
      `type Verdict = "pass" | "fail"`,
    ),
    [
      "true",
      "false",
      "true",
      "{n: 3}",
      "at root: missing required key 'a'; at root: missing required key 'b'",
      "schema must be a dict",
      "true",
      "error: Thrown: at root: missing required key 'age'",
    ],
  );
});

test("schema_of passes dicts through; conversions and transforms canonicalize first", async () => {
  assert.deepEqual(
    await run(
      `
println(schema_of(Task))
let s = {type: "dict", properties: {a: {type: "int"}}}
println(schema_of(s) == s)
try { schema_of(3) } catch (e) { println(e) }
println(schema_to_json_schema(schema_of(Task)).properties.points)
println(schema_to_openapi_schema({type: "string", nullable: true}))
println(schema_extend({type: "object"}, {title: "T"}))
try { schema_pick(s, "a") } catch (e) { println(e) }
try { schema_partial() } catch (e) { println(e) }
`,
      "type Task = {title: string, points: 1 | 2}",
    ),
    [
      "{properties: {points: {enum: [1, 2], type: int}, title: {type: string}}, required: [title, points], type: dict}",
      "true",
      "schema_of: expected a type alias or schema dict, got int",
      "{enum: [1, 2], type: integer}",
      "{nullable: true, type: string}",
      "{title: T, type: dict}",
      "schema_pick: keys must be a list",
      "schema_partial requires 1 arguments",
    ],
  );
});
