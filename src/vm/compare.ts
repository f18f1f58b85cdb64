// Equality and ordering (spec: "Equality", "Comparison"). Values are equal
// when they have the same type and contents; int and float compare by
// numeric value; closures, generators and most handles are never equal.
// Only numbers, strings and pairs order; other comparisons are "equal".

import { intCompare, intToNumber } from "./numbers.ts";
import { compareKeys, type Dict, Tag, type Value } from "./values.ts";

function numeric(v: Value): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return intToNumber(v);
  if (typeof v === "object" && v !== null && !Array.isArray(v) && v.tag === Tag.Float) return v.v;
  return undefined;
}

export function valuesEqual(a: Value, b: Value): boolean {
  // Primitives of one type compare by identity (objects may not: NaN floats, closures).
  if (typeof a !== "object" && typeof a === typeof b) return a === b;
  if (a === null || b === null) return a === b;
  if (typeof a !== "object" || typeof b !== "object") {
    // An int equals a float with the same numeric value.
    const x = numeric(a);
    const y = numeric(b);
    return x !== undefined && y !== undefined && typeof a !== typeof b && x === y;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i]!, b[i]!)) return false;
    return true;
  }
  if (Array.isArray(b) || a.tag !== b.tag) return false;
  switch (a.tag) {
    case Tag.Float:
      return a.v === (b as typeof a).v;
    case Tag.Dict:
      return dictsEqual(a, b as Dict);
    case Tag.Set: {
      const bs = (b as typeof a).items;
      return a.items.length === bs.length && a.items.every((x) => bs.some((y) => valuesEqual(x, y)));
    }
    case Tag.Builtin:
      return a.name === (b as typeof a).name;
    case Tag.Duration:
      return a.ms === (b as typeof a).ms;
    case Tag.Enum: {
      const e = b as typeof a;
      return a.enumName === e.enumName && a.variant === e.variant && valuesEqual(a.fields, e.fields);
    }
    case Tag.Struct: {
      const s = b as typeof a;
      if (a.type.name !== s.type.name || a.fields.size !== s.fields.size) return false;
      for (const [k, v] of a.fields) {
        const w = s.fields.get(k);
        if (w === undefined || !valuesEqual(v, w)) return false;
      }
      return true;
    }
    case Tag.Range: {
      const r = b as typeof a;
      return a.start === r.start && a.end === r.end && a.inclusive === r.inclusive;
    }
    case Tag.Pair: {
      const p = b as typeof a;
      return valuesEqual(a.first, p.first) && valuesEqual(a.second, p.second);
    }
    case Tag.Bytes: {
      const x = a.bytes;
      const y = (b as typeof a).bytes;
      return x.length === y.length && x.every((byte, i) => byte === y[i]);
    }
    case Tag.Iter:
      return a === b;
    case Tag.Handle:
      return (
        a.kind === "task_handle" &&
        (b as typeof a).kind === "task_handle" &&
        a.label() === (b as typeof a).label()
      );
    default:
      return false;
  }
}

function dictsEqual(a: Dict, b: Dict): boolean {
  if (a.map.size !== b.map.size) return false;
  for (const [k, v] of a.map) {
    const w = b.map.get(k);
    if (w === undefined || !valuesEqual(v, w)) return false;
  }
  return true;
}

/** -1, 0 or 1; values that do not order compare as 0. */
export function compareValues(a: Value, b: Value): number {
  if ((typeof a === "number" || typeof a === "bigint") && (typeof b === "number" || typeof b === "bigint")) {
    return intCompare(a, b);
  }
  if (typeof a === "string" && typeof b === "string") {
    const c = compareKeys(a, b);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  const x = numeric(a);
  const y = numeric(b);
  if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  if (typeof a === "object" && a !== null && !Array.isArray(a) && a.tag === Tag.Pair) {
    if (typeof b === "object" && b !== null && !Array.isArray(b) && b.tag === Tag.Pair) {
      return compareValues(a.first, b.first) || compareValues(a.second, b.second);
    }
  }
  return 0;
}
