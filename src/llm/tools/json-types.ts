// Harn type names (and their JSON Schema spellings) to JSON Schema types,
// for tool parameters given as bare type names.

const JSON_TYPES: Readonly<Record<string, string>> = {
  int: "integer",
  integer: "integer",
  float: "number",
  number: "number",
  bool: "boolean",
  boolean: "boolean",
  list: "array",
  array: "array",
  dict: "object",
  object: "object",
  string: "string",
};

/** The JSON Schema type for a Harn type name, or undefined when it names none. */
export function jsonTypeOf(name: string): string | undefined {
  return JSON_TYPES[name];
}
