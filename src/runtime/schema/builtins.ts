// The schema builtins (spec: "Schemas"; docs builtins.md "JSON & schemas"):
// validation (`schema_is`, `is_type`, `schema_expect`, `schema_check`,
// `schema_parse`, `json_validate`), conversion (`schema_to_json_schema`,
// `schema_from_json_schema` and the OpenAPI pair), transforms
// (`schema_extend`, `schema_partial`, `schema_pick`, `schema_omit`) and the
// run-time `schema_of` passthrough (aliases are lowered at compile time).
// Every builtin canonicalizes its schema argument first; a bad schema or a
// failed expectation throws a string, as the reference does.

import { display, truthy, typeName } from "../../vm/display.ts";
import { thrown, type VmError } from "../../vm/errors.ts";
import { type ValidationOptions, validateSchemaValue } from "../../vm/schema-validate.ts";
import { Dict, err, ok, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { canonicalizeSchema, SchemaError } from "./canonicalize.ts";
import { canonicalToJsonSchema } from "./json-schema.ts";
import { filterProperties, mergeSchemas, partialSchema } from "./transform.ts";

const STRICT: ValidationOptions = { applyDefaults: false, numericCompat: false };
const WITH_DEFAULTS: ValidationOptions = { applyDefaults: true, numericCompat: false };

function fail(message: string): VmError {
  return thrown(message);
}

function requireArgs(args: readonly Value[], min: number, name: string): void {
  if (args.length < min) throw fail(`${name} requires ${min} arguments`);
}

/** The canonical form of a schema argument; a bad schema throws its message. */
function canonical(schema: Value): Dict {
  try {
    return canonicalizeSchema(schema);
  } catch (e) {
    if (e instanceof SchemaError) throw fail(e.message);
    throw e;
  }
}

/** `Result.Ok(normalized)` or `Result.Err({message, errors, value?})`. */
function schemaResult(data: Value, schema: Value, options: ValidationOptions): Value {
  let normalized: Dict;
  try {
    normalized = canonicalizeSchema(schema);
  } catch (e) {
    if (!(e instanceof SchemaError)) throw e;
    return err(Dict.of({ message: e.message, errors: [e.message] }));
  }
  const r = validateSchemaValue(data, normalized, options);
  if (r.errors.length === 0) return ok(r.value);
  return err(Dict.of({ message: r.errors[0]!, errors: r.errors, value: r.value }));
}

function schemaIs(data: Value, schema: Value): boolean {
  return validateSchemaValue(data, canonical(schema), STRICT).errors.length === 0;
}

/** The normalized value, or a thrown string of every error joined with `; `. */
function schemaExpect(data: Value, schema: Value, options: ValidationOptions): Value {
  const r = validateSchemaValue(data, canonical(schema), options);
  if (r.errors.length > 0) throw fail(r.errors.join("; "));
  return r.value;
}

function keyList(value: Value | undefined, name: string): string[] {
  if (!Array.isArray(value)) throw fail(`${name}: keys must be a list`);
  return value.map((k) => display(k));
}

/** Installs the schema builtins on `vm`. */
export function registerSchemaBuiltins(vm: Vm): void {
  const def = (name: string, min: number, fn: (args: Value[]) => Value): void =>
    vm.registerBuiltin(name, (args) => {
      requireArgs(args, min, name);
      return fn(args);
    });
  def("json_validate", 2, ([data, schema]) => {
    schemaExpect(data!, schema!, STRICT);
    return true;
  });
  def("schema_check", 2, ([data, schema]) => schemaResult(data!, schema!, STRICT));
  def("schema_parse", 2, ([data, schema]) => schemaResult(data!, schema!, WITH_DEFAULTS));
  def("schema_is", 2, ([data, schema]) => schemaIs(data!, schema!));
  def("is_type", 2, ([data, schema]) => schemaIs(data!, schema!));
  def("schema_expect", 2, ([data, schema, defaults]) =>
    schemaExpect(data!, schema!, defaults !== undefined && truthy(defaults) ? WITH_DEFAULTS : STRICT),
  );
  def("schema_of", 1, ([schema]) => {
    if (schema instanceof Dict) return schema;
    throw fail(`schema_of: expected a type alias or schema dict, got ${typeName(schema!)}`);
  });
  def("schema_to_json_schema", 1, ([schema]) => canonicalToJsonSchema(canonical(schema!), false));
  def("schema_to_openapi_schema", 1, ([schema]) => canonicalToJsonSchema(canonical(schema!), true));
  def("schema_from_json_schema", 1, ([schema]) => canonical(schema!));
  def("schema_from_openapi_schema", 1, ([schema]) => canonical(schema!));
  def("schema_extend", 2, ([base, overrides]) => mergeSchemas(canonical(base!), canonical(overrides!)));
  def("schema_partial", 1, ([schema]) => partialSchema(canonical(schema!)));
  def("schema_pick", 2, ([schema, keys]) => {
    const picked = keyList(keys, "schema_pick");
    return filterProperties(canonical(schema!), picked, true);
  });
  def("schema_omit", 2, ([schema, keys]) => {
    const omitted = keyList(keys, "schema_omit");
    return filterProperties(canonical(schema!), omitted, false);
  });
}
