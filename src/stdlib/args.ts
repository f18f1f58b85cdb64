// Argument helpers shared by the collection and string builtins. The
// reference is lenient in most places (a missing or wrongly typed argument
// falls back to a default instead of failing), so these helpers return
// `undefined` rather than throwing; the few builtins that validate build
// their own messages. Also the structural hash key the reference uses for
// deduplication (`unique`, `set`, `dedup_by`).

import { display, typeName } from "../vm/display.ts";
import { BuiltinRef, Closure, Tag, type Value } from "../vm/values.ts";

/** Closures and builtin references are callable (spec: "callable values"). */
export function isCallable(v: Value | undefined): v is Closure | BuiltinRef {
  return v instanceof Closure || v instanceof BuiltinRef;
}

/** The argument when it is callable, else undefined. */
export function callableArg(args: readonly Value[], i: number): Closure | BuiltinRef | undefined {
  const v = args[i];
  return isCallable(v) ? v : undefined;
}

/** An int argument as a JS number (ints outside the safe range saturate), else undefined. */
export function intArg(args: readonly Value[], i: number): number | undefined {
  const v = args[i];
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return v > 0n ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  return undefined;
}

/** The display text of argument `i`, or `fallback` when it is missing. */
export function textArg(args: readonly Value[], i: number, fallback = ""): string {
  const v = args[i];
  return v === undefined ? fallback : display(v);
}

/** `typeName` that accepts a missing argument as nil. */
export function typeOf(v: Value | undefined): string {
  return typeName(v ?? null);
}

const floatBits = new Float64Array(1);
const floatWord = new BigUint64Array(floatBits.buffer);

/** How `structuralKey` measures text and orders set members. */
export interface KeyStyle {
  readonly length: (text: string) => number;
  readonly order?: (a: string, b: string) => number;
}

const CODE_UNITS: KeyStyle = { length: (text) => text.length };

/**
 * A string that is equal for structurally equal values and differs across
 * types (`1`, `"1"` and `1.0` all differ). Sets key order-independently.
 * `hash_value` hashes it with UTF-8 lengths and byte order (its reference
 * format); in-memory uses (dedupe, set membership) take code units.
 */
export function structuralKey(v: Value, style: KeyStyle = CODE_UNITS): string {
  const out: string[] = [];
  writeKey(v, out, style);
  return out.join("");
}

export function hashKey(v: Value): string {
  return structuralKey(v);
}

function writeKey(v: Value, out: string[], style: KeyStyle): void {
  switch (typeof v) {
    case "boolean":
      out.push(v ? "T" : "F");
      return;
    case "number":
    case "bigint":
      out.push(`i${v};`);
      return;
    case "string":
      out.push(`s${style.length(v)}:`, v);
      return;
    default:
      break;
  }
  if (v === null) {
    out.push("N");
    return;
  }
  if (Array.isArray(v)) {
    out.push("L");
    for (const item of v) {
      writeKey(item, out, style);
      out.push(",");
    }
    out.push("]");
    return;
  }
  switch (v.tag) {
    case Tag.Float:
      floatBits[0] = v.v;
      out.push(`f${floatWord[0]};`);
      return;
    case Tag.Bytes:
      out.push("b", Array.from(v.bytes, (b) => b.toString(16).padStart(2, "0")).join(""), ";");
      return;
    case Tag.Duration:
      out.push(`d${v.ms};`);
      return;
    case Tag.Dict:
      out.push("D");
      for (const k of v.keys()) {
        out.push(`${style.length(k)}:`, k, "=");
        writeKey(v.map.get(k)!, out, style);
        out.push(",");
      }
      out.push("}");
      return;
    case Tag.Set: {
      const keys = v.items.map((item) => structuralKey(item, style)).sort(style.order);
      out.push("S");
      for (const k of keys) out.push(k, ",");
      out.push("}");
      return;
    }
    default: {
      const t = typeName(v);
      const d = display(v);
      out.push(`o${style.length(t)}:`, t, `${style.length(d)}:`, d);
    }
  }
}

/** Items deduplicated by structural key, first occurrence kept. */
export function dedupe(items: Iterable<Value>, seen = new Set<string>()): Value[] {
  const out: Value[] = [];
  for (const v of items) {
    const k = hashKey(v);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(v);
    }
  }
  return out;
}
