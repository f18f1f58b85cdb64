// Plain JSON data for the provider boundary. Requests and responses cross
// into providers as JSON (what an HTTP provider puts on the wire), while
// scripts see Harn values; the two converters here are that boundary.
// Integral floats (2.0) come back as ints, as JSON itself cannot tell them
// apart; nothing the LLM layer reads depends on that distinction.

import { display } from "../vm/display.ts";
import { Dict, HFloat, HSet, type Value } from "../vm/values.ts";

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** `v` as JSON data; values JSON cannot hold (closures, enums, ...) become their display text. */
export function valueToJson(v: Value): JsonValue {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map(valueToJson);
  if (v instanceof HFloat) return Number.isFinite(v.v) ? v.v : null;
  if (v instanceof HSet) return v.items.map(valueToJson);
  if (v instanceof Dict) return dictToJson(v);
  return display(v);
}

export function dictToJson(d: Dict): JsonObject {
  const out: JsonObject = {};
  for (const key of d.keys()) out[key] = valueToJson(d.get(key));
  return out;
}

/** JSON data as a Harn value: objects become dicts, integral numbers ints. */
export function jsonToValue(j: JsonValue | undefined): Value {
  if (j === undefined || j === null) return null;
  if (typeof j === "boolean" || typeof j === "string") return j;
  if (typeof j === "number") return Number.isInteger(j) ? j : new HFloat(j);
  if (Array.isArray(j)) return j.map(jsonToValue);
  const m = new Map<string, Value>();
  for (const [k, x] of Object.entries(j)) m.set(k, jsonToValue(x));
  return new Dict(m);
}

export function isJsonObject(j: JsonValue | undefined): j is JsonObject {
  return typeof j === "object" && j !== null && !Array.isArray(j);
}

/** Every non-empty string inside `j`, depth first (what mock globs match against). */
export function collectStrings(j: JsonValue | undefined, out: string[] = []): string[] {
  if (typeof j === "string") {
    if (j !== "") out.push(j);
  } else if (Array.isArray(j)) {
    for (const x of j) collectStrings(x, out);
  } else if (isJsonObject(j)) {
    for (const key of Object.keys(j).sort()) collectStrings(j[key], out);
  }
  return out;
}

/** Length of `s` in UTF-8 bytes (the unit the reference's token estimates count). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
