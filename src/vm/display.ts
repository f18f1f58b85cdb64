// The one printing function. `log`, `println`, `print`, interpolation and
// `to_string` all use `display()`, so every value prints the same way
// everywhere (strings unquoted even when nested, dict keys in byte order,
// floats like Rust). Also type names and truthiness.

import { formatFloat } from "./numbers.ts";
import { compareKeys, type Dict, type EnumValue, type StructValue, Tag, type Value } from "./values.ts";

export function typeName(v: Value): string {
  switch (typeof v) {
    case "number":
    case "bigint":
      return "int";
    case "string":
      return "string";
    case "boolean":
      return "bool";
    default:
      break;
  }
  if (v === null) return "nil";
  if (Array.isArray(v)) return "list";
  switch (v.tag) {
    case Tag.Float:
      return "float";
    case Tag.Dict:
      return "dict";
    case Tag.Set:
      return "set";
    case Tag.Closure:
      return "closure";
    case Tag.Builtin:
      return "builtin";
    case Tag.Duration:
      return "duration";
    case Tag.Enum:
      return "enum";
    case Tag.Struct:
      return "struct";
    case Tag.Type:
      return "type";
    case Tag.Range:
      return "range";
    case Tag.Pair:
      return "pair";
    case Tag.Iter:
      return "iter";
    case Tag.Generator:
      return v.isStream ? "stream" : "generator";
    case Tag.Bytes:
      return "bytes";
    case Tag.Handle:
      return v.kind;
    default:
      return "unknown";
  }
}

export function truthy(v: Value): boolean {
  switch (typeof v) {
    case "boolean":
      return v;
    case "number":
      return v !== 0;
    case "bigint":
      return true;
    case "string":
      return v.length > 0;
    default:
      break;
  }
  if (v === null) return false;
  if (Array.isArray(v)) return v.length > 0;
  switch (v.tag) {
    case Tag.Float:
      return v.v !== 0;
    case Tag.Dict:
      return v.map.size > 0;
    case Tag.Set:
      return v.items.length > 0;
    case Tag.Duration:
      return v.ms !== 0;
    case Tag.Bytes:
      return v.bytes.length > 0;
    default:
      return true;
  }
}

export function formatDuration(ms: number): string {
  const sign = ms < 0 ? "-" : "";
  const a = Math.abs(ms);
  if (a >= 3_600_000 && a % 3_600_000 === 0) return `${sign}${a / 3_600_000}h`;
  if (a >= 60_000 && a % 60_000 === 0) return `${sign}${a / 60_000}m`;
  if (a >= 1000 && a % 1000 === 0) return `${sign}${a / 1000}s`;
  return `${sign}${a}ms`;
}

export function display(v: Value): string {
  switch (typeof v) {
    case "string":
      return v;
    case "number":
      return String(v);
    case "bigint":
      return v.toString();
    case "boolean":
      return v ? "true" : "false";
    default:
      break;
  }
  if (v === null) return "nil";
  if (Array.isArray(v)) return `[${v.map(display).join(", ")}]`;
  switch (v.tag) {
    case Tag.Float:
      return formatFloat(v.v);
    case Tag.Dict:
      return displayDict(v);
    case Tag.Set:
      return `set(${v.items.map(display).join(", ")})`;
    case Tag.Closure:
      return `<fn(${v.proto.paramNames.join(", ")})>`;
    case Tag.Builtin:
      return `<builtin ${v.name}>`;
    case Tag.Duration:
      return formatDuration(v.ms);
    case Tag.Enum:
      return displayEnum(v);
    case Tag.Struct:
      return displayStruct(v);
    case Tag.Type:
      return `<type ${v.name}>`;
    case Tag.Range:
      return `${v.start} to ${v.end}${v.inclusive ? "" : " exclusive"}`;
    case Tag.Pair:
      return `(${display(v.first)}, ${display(v.second)})`;
    case Tag.Iter:
      return v.exhausted ? "<iter (exhausted)>" : "<iter>";
    case Tag.Generator: {
      const kind = v.isStream ? "stream" : "generator";
      return v.done ? `<${kind} (done)>` : `<${kind}>`;
    }
    case Tag.Bytes:
      return displayBytes(v.bytes);
    case Tag.Handle:
      return v.label();
    default:
      return "<unknown>";
  }
}

function displayDict(d: Dict): string {
  const parts: string[] = [];
  for (const k of d.keys()) parts.push(`${k}: ${display(d.map.get(k)!)}`);
  return `{${parts.join(", ")}}`;
}

function displayEnum(e: EnumValue): string {
  if (e.fields.length === 0) return `${e.enumName}.${e.variant}`;
  return `${e.enumName}.${e.variant}(${e.fields.map(display).join(", ")})`;
}

function displayStruct(s: StructValue): string {
  const keys = [...s.fields.keys()].sort(compareKeys);
  return `${s.type.name} {${keys.map((k) => `${k}: ${display(s.fields.get(k)!)}`).join(", ")}}`;
}

function displayBytes(bytes: Uint8Array): string {
  const shown = Array.from(bytes.subarray(0, 32), (b) => b.toString(16).padStart(2, "0")).join("");
  const extra = bytes.length > 32 ? `...+${bytes.length - 32}` : "";
  return `b"${shown}${extra}"`;
}
