// The schema runtime's public surface: the builtin registration the engine
// calls, plus canonicalization and JSON-Schema export for other runtime code
// (LLM structured output, tool schemas) that needs schemas without going
// through a builtin call. The validator core itself is vm/schema-validate.ts.

export { registerSchemaBuiltins } from "./builtins.ts";
export { canonicalizeSchema, SchemaError } from "./canonicalize.ts";
export { canonicalToJsonSchema, toJsonData } from "./json-schema.ts";
export { filterProperties, mergeSchemas, partialSchema } from "./transform.ts";
