// The JSON-shaped subset of Harn values that event-log payloads hold.
// Events outlive the program that wrote them (durable backends write them
// as JSON), so a payload is normalised on append the way the reference
// serialises values: structs become dicts, non-finite floats become nil,
// and values with no JSON form (closures, handles, ...) become their
// display text (or what `opaque` makes of them).

import { display } from "../../vm/display.ts";
import { formatFloat } from "../../vm/numbers.ts";
import { Dict, HFloat, StructValue, type Value } from "../../vm/values.ts";

export function toJsonData(v: Value, opaque: (v: Value) => Value = display): Value {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint") return v;
  if (v instanceof HFloat) return Number.isFinite(v.v) ? v : null;
  if (Array.isArray(v)) return v.map((x) => toJsonData(x, opaque));
  if (v instanceof Dict) {
    const out = new Map<string, Value>();
    for (const [k, x] of v.map) out.set(k, toJsonData(x, opaque));
    return new Dict(out);
  }
  if (v instanceof StructValue) {
    const out = new Map<string, Value>();
    for (const [k, x] of v.fields) out.set(k, toJsonData(x, opaque));
    return new Dict(out);
  }
  return opaque(v);
}

function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * Compact JSON with object keys in byte order, so equal data always has
 * the same text (what hashes and fingerprints are computed over). Floats
 * keep a fractional part (`1.0`), as serde writes them.
 */
export function canonicalJson(v: Value): string {
  const data = toJsonData(v);
  if (data === null) return "null";
  if (typeof data === "boolean" || typeof data === "number" || typeof data === "bigint") return String(data);
  if (typeof data === "string") return quote(data);
  if (data instanceof HFloat) return formatFloat(data.v);
  if (Array.isArray(data)) return `[${data.map(canonicalJson).join(",")}]`;
  if (data instanceof Dict) {
    return `{${data
      .keys()
      .map((k) => `${quote(k)}:${canonicalJson(data.map.get(k)!)}`)
      .join(",")}}`;
  }
  return "null";
}

/**
 * A tree from JSON.parse as Harn data. JSON.parse cannot tell `1.0` from
 * `1`, so integral numbers become ints; use a Harn JSON parser where that
 * distinction matters.
 */
export function fromJsonTree(j: unknown): Value {
  if (j === null || j === undefined) return null;
  if (typeof j === "string" || typeof j === "boolean") return j;
  if (typeof j === "number") return Number.isInteger(j) ? j : new HFloat(j);
  if (Array.isArray(j)) return j.map(fromJsonTree);
  if (typeof j === "object") {
    const m = new Map<string, Value>();
    for (const [k, v] of Object.entries(j as Record<string, unknown>)) m.set(k, fromJsonTree(v));
    return new Dict(m);
  }
  return String(j);
}
