// Compact JSON text of Harn values (the `json_stringify` format): object
// keys in byte order, structs as objects, sets as arrays, bytes as
// `{"$bytes_b64": ...}`, ranges as their display text and every other
// non-data value (closures, enums, handles) as `null`. Floats print as
// Rust's `f64` Display does (`1.0` is written `1`); control characters
// other than \n \r \t are escaped as lowercase `\u00xx`.

import { display } from "../../vm/display.ts";
import { formatFloat } from "../../vm/numbers.ts";
import { compareKeys, Tag, type Value } from "../../vm/values.ts";
import { encodeBase64 } from "./encoding.ts";

/** Compact JSON text of a Harn value (the `json_stringify` format). */
export function stringifyJson(value: Value): string {
  const out: string[] = [];
  writeValue(value, out);
  return out.join("");
}

const NEEDS_ESCAPE = /["\\\u0000-\u001f\u007f-\u009f]/;

/** A JSON string literal; control characters other than \n \r \t become lowercase `\u00xx`. */
export function quoteJson(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  let runStart = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let escaped: string | undefined;
    if (c === 34) escaped = '\\"';
    else if (c === 92) escaped = "\\\\";
    else if (c === 10) escaped = "\\n";
    else if (c === 13) escaped = "\\r";
    else if (c === 9) escaped = "\\t";
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) escaped = `\\u${c.toString(16).padStart(4, "0")}`;
    if (escaped !== undefined) {
      out += s.slice(runStart, i) + escaped;
      runStart = i + 1;
    }
  }
  return out + s.slice(runStart) + '"';
}

/** A float as Rust's `f64` Display writes it (no `.0` on integral values). */
export function rustFloatText(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return Object.is(x, -0) ? "-0" : String(x);
  return formatFloat(x);
}

function writeValue(v: Value, out: string[]): void {
  switch (typeof v) {
    case "string":
      out.push(quoteJson(v));
      return;
    case "number":
    case "bigint":
      out.push(String(v));
      return;
    case "boolean":
      out.push(v ? "true" : "false");
      return;
    default:
      break;
  }
  if (v === null) {
    out.push("null");
    return;
  }
  if (Array.isArray(v)) {
    writeArray(v, out);
    return;
  }
  switch (v.tag) {
    case Tag.Float:
      out.push(rustFloatText(v.v));
      return;
    case Tag.Set:
      writeArray(v.items, out);
      return;
    case Tag.Dict:
      writeObject(v.keys(), v.map, out);
      return;
    case Tag.Struct:
      writeObject([...v.fields.keys()].sort(compareKeys), v.fields, out);
      return;
    case Tag.Bytes:
      out.push(`{"$bytes_b64":${quoteJson(encodeBase64(v.bytes))}}`);
      return;
    case Tag.Range:
      out.push(quoteJson(display(v)));
      return;
    default:
      out.push("null");
  }
}

function writeArray(items: readonly Value[], out: string[]): void {
  out.push("[");
  items.forEach((item, i) => {
    if (i > 0) out.push(",");
    writeValue(item, out);
  });
  out.push("]");
}

function writeObject(keys: readonly string[], map: ReadonlyMap<string, Value>, out: string[]): void {
  out.push("{");
  keys.forEach((k, i) => {
    if (i > 0) out.push(",");
    out.push(quoteJson(k), ":");
    writeValue(map.get(k)!, out);
  });
  out.push("}");
}
