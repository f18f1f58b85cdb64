// Pretty JSON text of Harn data values, laid out as serde_json's
// `to_string_pretty` does (two-space indent, `"key": value`, `[]` and `{}`
// for empty containers, keys in byte order). Durable files (handoff
// envelopes, the key-value store) use it so they read the same as the
// reference's. Floats keep a fractional part (`1.0`) so an integral float
// reads back as a float; values JSON cannot hold are written as null.

import { formatFloat } from "../vm/numbers.ts";
import { compareKeys, Tag, type Value } from "../vm/values.ts";

/** A JSON string literal; control characters become lowercase `\u00xx`. */
export function jsonQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) out += '\\"';
    else if (c === 92) out += "\\\\";
    else if (c === 10) out += "\\n";
    else if (c === 13) out += "\\r";
    else if (c === 9) out += "\\t";
    else if (c < 0x20) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += s[i];
  }
  return `${out}"`;
}

function floatText(x: number): string {
  return Number.isFinite(x) ? formatFloat(x) : "null";
}

/** Pretty JSON text of `value`. */
export function prettyJson(value: Value): string {
  const out: string[] = [];
  write(value, "", out);
  return out.join("");
}

/** Compact JSON text of `value`, with the same value mapping as prettyJson. */
export function compactJson(value: Value): string {
  const out: string[] = [];
  write(value, null, out);
  return out.join("");
}

function write(v: Value, indent: string | null, out: string[]): void {
  if (v === null) return void out.push("null");
  switch (typeof v) {
    case "string":
      return void out.push(jsonQuote(v));
    case "number":
    case "bigint":
      return void out.push(String(v));
    case "boolean":
      return void out.push(v ? "true" : "false");
    default:
      break;
  }
  if (Array.isArray(v)) return writeItems(v, indent, out);
  switch (v.tag) {
    case Tag.Float:
      return void out.push(floatText(v.v));
    case Tag.Set:
      return writeItems(v.items, indent, out);
    case Tag.Dict:
      return writeEntries(
        v.keys().map((k) => [k, v.map.get(k)!] as const),
        indent,
        out,
      );
    case Tag.Struct:
      return writeEntries(
        [...v.fields.keys()].sort(compareKeys).map((k) => [k, v.fields.get(k)!] as const),
        indent,
        out,
      );
    default:
      out.push("null");
  }
}

function writeItems(items: readonly Value[], indent: string | null, out: string[]): void {
  if (items.length === 0) return void out.push("[]");
  const inner = indent === null ? null : `${indent}  `;
  out.push("[");
  items.forEach((item, i) => {
    if (i > 0) out.push(",");
    if (inner !== null) out.push("\n", inner);
    write(item, inner, out);
  });
  if (indent !== null) out.push("\n", indent);
  out.push("]");
}

function writeEntries(
  entries: readonly (readonly [string, Value])[],
  indent: string | null,
  out: string[],
): void {
  if (entries.length === 0) return void out.push("{}");
  const inner = indent === null ? null : `${indent}  `;
  out.push("{");
  entries.forEach(([k, item], i) => {
    if (i > 0) out.push(",");
    if (inner !== null) out.push("\n", inner);
    out.push(jsonQuote(k), inner === null ? ":" : ": ");
    write(item, inner, out);
  });
  if (indent !== null) out.push("\n", indent);
  out.push("}");
}
