// The JSON-shaped subset of Harn values that event-log payloads hold.
// Events outlive the program that wrote them (durable backends write them
// as JSON), so a payload is normalised on append the way the reference
// serialises values: structs become dicts, non-finite floats become nil,
// and values with no JSON form (closures, handles, ...) become their
// display text (or what `opaque` makes of them).

import { display } from "../../vm/display.ts";
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
