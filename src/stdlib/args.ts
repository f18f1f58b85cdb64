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

/**
 * A string that is equal for structurally equal values and differs across
 * types (`1`, `"1"` and `1.0` all differ). Sets hash order-independently.
 */
export function hashKey(v: Value): string {
  const out: string[] = [];
  writeKey(v, out);
  return out.join("");
}

function writeKey(v: Value, out: string[]): void {
  switch (typeof v) {
    case "boolean":
      out.push(v ? "T" : "F");
      return;
    case "number":
    case "bigint":
      out.push(`i${v};`);
      return;
    case "string":
      out.push(`s${v.length}:`, v);
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
      writeKey(item, out);
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
        out.push(`${k.length}:`, k, "=");
        writeKey(v.map.get(k)!, out);
        out.push(",");
      }
      out.push("}");
      return;
    case Tag.Set: {
      const keys = v.items.map(hashKey).sort();
      out.push("S");
      for (const k of keys) out.push(k, ",");
      out.push("}");
      return;
    }
    default: {
      const t = typeName(v);
      const d = display(v);
      out.push(`o${t.length}:`, t, `${d.length}:`, d);
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
