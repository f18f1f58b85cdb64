// YAML and TOML builtins (spec: builtins "JSON" table): `yaml_parse`,
// `yaml_stringify`, `toml_parse`, `toml_stringify`.
//
// Parsing keeps ints and floats apart: both libraries are asked for bigint
// integers, so a JS number is always a float. Values then map as the
// reference's detour through serde_json does: non-finite floats become nil,
// integers beyond i64 floats, map keys strings, and TOML datetimes
// `{"$__toml_private_datetime": text}`. YAML output uses the `yaml` package
// configured like serde_yaml (unindented block sequences, single-quoted
// ambiguous strings); TOML output is written here because smol-toml's
// stringifier cannot tell `1.0` from `1` and silently drops nil. Both
// packages load on first use (the builtin suspends once), keeping them out
// of start-up.

import { thrown } from "../../vm/errors.ts";
import { normInt } from "../../vm/numbers.ts";
import { Dict, HFloat, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { required, textArg } from "./args.ts";
import { type DataValue, FloatData, toData } from "./data-value.ts";
import { writeToml } from "./toml-writer.ts";

type YamlModule = typeof import("yaml");
type TomlModule = typeof import("smol-toml");

// Loaded library code, shared by every VM (no program state lives here).
let yamlModule: YamlModule | undefined;
let tomlModule: TomlModule | undefined;

function withYaml(use: (yaml: YamlModule) => Value): Value | Promise<Value> {
  if (yamlModule !== undefined) return use(yamlModule);
  return import("yaml").then((m) => use((yamlModule = m)));
}

function withToml(use: (toml: TomlModule) => Value): Value | Promise<Value> {
  if (tomlModule !== undefined) return use(tomlModule);
  return import("smol-toml").then((m) => use((tomlModule = m)));
}

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/** A parsed YAML/TOML (JS) value as a Harn value. */
function fromParsed(v: unknown): Value {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case "bigint":
      return v >= I64_MIN && v <= I64_MAX ? normInt(v) : new HFloat(Number(v));
    case "number":
      return Number.isFinite(v) ? new HFloat(v) : null;
    case "string":
    case "boolean":
      return v;
    default:
      break;
  }
  if (tomlModule !== undefined && v instanceof tomlModule.TomlDate) {
    return Dict.of({ $__toml_private_datetime: v.toISOString() });
  }
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(fromParsed);
  const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
  return new Dict(new Map(entries.map(([k, item]) => [String(k), fromParsed(item)])));
}

/** The data view for the `yaml` package: floats as Scalars that keep a fraction digit. */
function toYamlNode(yaml: YamlModule, d: DataValue): unknown {
  if (d instanceof FloatData) {
    const node = new yaml.Scalar(d.v);
    if (Number.isInteger(d.v)) node.minFractionDigits = 1;
    return node;
  }
  if (Array.isArray(d)) return d.map((item) => toYamlNode(yaml, item));
  if (d instanceof Map) return new Map([...d].map(([k, item]) => [k, toYamlNode(yaml, item)]));
  return d;
}

function firstLine(text: string): string {
  return text.split("\n")[0]!;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function parseYaml(yaml: YamlModule, text: string): Value {
  const docs = yaml.parseAllDocuments(text, { intAsBigInt: true, uniqueKeys: true });
  if (!Array.isArray(docs)) return null;
  if (docs.length > 1) {
    throw thrown(
      "YAML parse error: deserializing from YAML containing more than one document is not supported",
    );
  }
  const doc = docs[0];
  if (doc === undefined) return null;
  const error = doc.errors[0];
  if (error !== undefined) throw thrown(`YAML parse error: ${firstLine(error.message).replace(/:$/, "")}`);
  return fromParsed(doc.toJS({ maxAliasCount: 1000 }));
}

function parseToml(toml: TomlModule, text: string): Value {
  let parsed: unknown;
  try {
    parsed = toml.parse(text, { integersAsBigInt: true });
  } catch (e) {
    const at = e instanceof toml.TomlError ? ` at line ${e.line}, column ${e.column}` : "";
    throw thrown(`TOML parse error: ${firstLine(message(e)).replace(/^Invalid TOML document: /, "")}${at}`);
  }
  return fromParsed(parsed);
}

export function registerYamlToml(vm: Vm): void {
  vm.registerBuiltin("yaml_parse", (args) => {
    const text = textArg(args, 0, "yaml_parse", "text");
    return withYaml((yaml) => parseYaml(yaml, text));
  });

  vm.registerBuiltin("yaml_stringify", (args) => {
    const data = toData(required(args, 0, "yaml_stringify", "value"));
    return withYaml((yaml) =>
      new yaml.Document(toYamlNode(yaml, data)).toString({ indentSeq: false, singleQuote: true }),
    );
  });

  vm.registerBuiltin("toml_parse", (args) => {
    const text = textArg(args, 0, "toml_parse", "text");
    return withToml((toml) => parseToml(toml, text));
  });

  vm.registerBuiltin("toml_stringify", (args) => {
    try {
      return writeToml(toData(required(args, 0, "toml_stringify", "value")));
    } catch (e) {
      throw thrown(`toml_stringify: ${message(e)}`);
    }
  });
}
