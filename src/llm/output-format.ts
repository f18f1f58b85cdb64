// Structured-output options of a call: `output_format` (`"text"`,
// `"json_object"`, `{kind: "json_schema", schema, strict?}`), the older
// `response_format: "json"` plus `json_schema`/`schema`, and the schema
// the parsed reply is validated against (`output_schema`, else those).

import { display, truthy } from "../vm/display.ts";
import { thrown } from "../vm/errors.ts";
import { Dict, type Value } from "../vm/values.ts";
import { dictToJson } from "./json.ts";
import { type Options, optStr, optValue } from "./option-values.ts";
import type { OutputFormat } from "./provider.ts";

export interface StructuredOptions {
  /** What the provider is asked for. */
  readonly format: OutputFormat;
  /** What the parsed reply must satisfy (a Harn schema or a JSON Schema dict). */
  readonly schema: Dict | null;
}

function schemaOption(v: Value | undefined, field: string): Dict | null {
  if (v === undefined || v === null) return null;
  if (v instanceof Dict) return v;
  throw thrown(`${field}: expected a JSON Schema object`);
}

function firstPresent(o: Options, keys: readonly string[]): Value | undefined {
  for (const k of keys) {
    const v = optValue(o, k);
    if (v !== undefined) return v;
  }
  return undefined;
}

function formatKind(raw: string): "text" | "json_object" | "json_schema" {
  const k = raw.trim().toLowerCase();
  if (k === "text" || k === "none" || k === "off") return "text";
  if (k === "json" || k === "json_object") return "json_object";
  if (k === "json_schema" || k === "schema") return "json_schema";
  throw thrown(`output_format.kind: expected "text" | "json_object" | "json_schema", got "${k}"`);
}

function needsSchema(): never {
  throw thrown('output_format: kind "json_schema" requires a `schema` field');
}

/** Without `output_format`: the legacy schema, else `response_format`. */
function legacyFormat(responseFormat: string | undefined, legacySchema: Dict | null): OutputFormat {
  if (legacySchema) return { kind: "json_schema", schema: dictToJson(legacySchema), strict: true };
  if (responseFormat === undefined || responseFormat === "text") return { kind: "text" };
  if (responseFormat === "json" || responseFormat === "json_object") return { kind: "json_object" };
  throw thrown(`response_format: expected "json", "json_object", or "text", got "${responseFormat}"`);
}

/** The format and, for a dict `output_format`, the schema it names. */
function explicitFormat(raw: Value, legacySchema: Dict | null): StructuredOptions {
  if (raw === null) return { format: { kind: "text" }, schema: null };
  if (typeof raw === "string") {
    const kind = formatKind(raw);
    if (kind !== "json_schema") return { format: { kind }, schema: null };
    const schema = legacySchema ?? needsSchema();
    return { format: { kind, schema: dictToJson(schema), strict: true }, schema: null };
  }
  if (!(raw instanceof Dict)) throw thrown("output_format: expected string or dict");
  const kind = formatKind(raw.map.has("kind") ? display(raw.get("kind")) : "text");
  if (kind !== "json_schema") return { format: { kind }, schema: null };
  const schema =
    schemaOption(firstPresent(raw, ["schema", "json_schema"]), "output_format.schema") ?? needsSchema();
  const strict = raw.map.has("strict") ? truthy(raw.get("strict")) : true;
  return { format: { kind, schema: dictToJson(schema), strict }, schema };
}

export function parseStructuredOptions(o: Options): StructuredOptions {
  const legacySchema = schemaOption(firstPresent(o, ["json_schema", "schema"]), "json_schema");
  const validateWith = schemaOption(
    firstPresent(o, ["output_schema", "json_schema", "schema"]),
    "output_schema",
  );
  const raw = o?.map.get("output_format");
  const parsed =
    raw === undefined
      ? { format: legacyFormat(optStr(o, "response_format"), legacySchema), schema: null }
      : explicitFormat(raw, legacySchema);
  return { format: parsed.format, schema: validateWith ?? parsed.schema };
}
