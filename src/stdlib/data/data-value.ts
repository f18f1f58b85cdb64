// The plain-data view of a Harn value that the YAML and TOML writers use,
// mirroring the reference's conversion to serde data: dicts
// become ordered Maps (byte-ordered keys), structs dicts, sets lists, ints
// bigints, floats `FloatData` (so `1.0` stays a float), and every other
// value its display text.

import { display } from "../../vm/display.ts";
import { compareKeys, Tag, type Value } from "../../vm/values.ts";

/** A Harn value as plain data for the writers: dicts as Maps (key order kept), floats tagged. */
export type DataValue = null | boolean | string | bigint | FloatData | DataValue[] | Map<string, DataValue>;

export class FloatData {
  constructor(readonly v: number) {}
}

/** The data view of a value: structs are dicts, sets lists, other values their display text. */
export function toData(v: Value): DataValue {
  switch (typeof v) {
    case "number":
    case "bigint":
      return BigInt(v);
    case "string":
    case "boolean":
      return v;
    default:
      break;
  }
  if (v === null) return null;
  if (Array.isArray(v)) return v.map(toData);
  switch (v.tag) {
    case Tag.Float:
      return new FloatData(v.v);
    case Tag.Set:
      return v.items.map(toData);
    case Tag.Dict:
      return new Map(v.keys().map((k) => [k, toData(v.map.get(k)!)]));
    case Tag.Struct:
      return new Map([...v.fields.keys()].sort(compareKeys).map((k) => [k, toData(v.fields.get(k)!)]));
    default:
      return display(v);
  }
}
