// Core builtins every program uses: printing, assertions, conversions,
// Result helpers, `len`, `range`, and the error helpers. Printing writes to
// the VM's output sink, never to process stdout directly.

import { compareValues, valuesEqual } from "../vm/compare.ts";
import { display, truthy, typeName } from "../vm/display.ts";
import { categorized, type ErrorCategory, runtimeError, thrown, typeError } from "../vm/errors.ts";
import { formatFloat, intFromNumberTrunc, intToNumber, parseIntLiteral } from "../vm/numbers.ts";
import { codePointLength } from "../vm/strings.ts";
import { Dict, err, HFloat, HSet, isResult, ok, RangeValue, Tag, type Value } from "../vm/values.ts";
import type { Vm } from "../vm/vm.ts";
import { parseCategory } from "../runtime/error-category.ts";

export function lengthOf(v: Value): number {
  if (typeof v === "string") return codePointLength(v);
  if (Array.isArray(v)) return v.length;
  if (v !== null && typeof v === "object") {
    switch (v.tag) {
      case Tag.Dict:
        return v.map.size;
      case Tag.Set:
        return v.items.length;
      case Tag.Range:
        return v.length;
      case Tag.Bytes:
        return v.bytes.length;
      default:
        return 0;
    }
  }
  return 0;
}

/** `to_int`: ints unchanged, floats truncated, strings parsed like Rust's `i64::from_str` (no trimming). */
function toInt(v: Value): Value {
  if (typeof v === "number" || typeof v === "bigint") return v;
  if (v instanceof HFloat) return intFromNumberTrunc(v.v);
  if (typeof v === "string") return parseIntLiteral(v.startsWith("+") ? v.slice(1) : v);
  return null;
}

const FLOAT_TEXT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;

/** `to_float`: strings parsed like Rust's `f64::from_str` (no trimming; `inf`, `NaN` accepted). */
function toFloat(v: Value): Value {
  if (v instanceof HFloat) return v;
  if (typeof v === "number" || typeof v === "bigint") return new HFloat(intToNumber(v));
  if (typeof v !== "string" || !FLOAT_TEXT.test(v)) return null;
  const lower = v.toLowerCase();
  const negative = lower.startsWith("-");
  const body = lower.replace(/^[+-]/, "");
  if (body === "inf" || body === "infinity") return new HFloat(negative ? -Infinity : Infinity);
  if (body === "nan") return new HFloat(NaN);
  return new HFloat(Number(v));
}

/** An int argument of `range()`; ints beyond the safe range are clamped (a range that long never finishes). */
function rangeBound(v: Value, message: string): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return v > 0n ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  throw typeError(message);
}

export function registerCore(vm: Vm): void {
  const b = vm.registerBuiltin.bind(vm);
  b("log", (args) => {
    vm.write(`[harn] ${display(args[0] ?? null)}\n`);
    return null;
  });
  b("println", (args) => {
    vm.write(`${args.length > 0 ? display(args[0]!) : ""}\n`);
    return null;
  });
  b("print", (args) => {
    vm.write(args.length > 0 ? display(args[0]!) : "");
    return null;
  });
  b("eprintln", (args) => {
    vm.writeError(`${args.length > 0 ? display(args[0]!) : ""}\n`);
    return null;
  });
  b("eprint", (args) => {
    vm.writeError(args.length > 0 ? display(args[0]!) : "");
    return null;
  });

  b("assert", (args) => {
    if (!truthy(args[0] ?? null)) throw thrown(args.length > 1 ? display(args[1]!) : "Assertion failed");
    return null;
  });
  b("assert_eq", (args) => {
    if (args.length < 2) throw thrown("assert_eq requires at least 2 arguments");
    if (!valuesEqual(args[0]!, args[1]!)) {
      const msg =
        args.length > 2
          ? display(args[2]!)
          : `Assertion failed: expected ${display(args[1]!)}, got ${display(args[0]!)}`;
      throw thrown(msg);
    }
    return null;
  });
  b("assert_ne", (args) => {
    if (args.length < 2) throw thrown("assert_ne requires at least 2 arguments");
    if (valuesEqual(args[0]!, args[1]!)) {
      const msg =
        args.length > 2
          ? display(args[2]!)
          : `Assertion failed: values should not be equal: ${display(args[0]!)}`;
      throw thrown(msg);
    }
    return null;
  });

  b("type_of", (args) => typeName(args[0] ?? null));
  b("to_string", (args) => display(args[0] ?? null));
  b("to_int", (args) => toInt(args[0] ?? null));
  b("to_float", (args) => toFloat(args[0] ?? null));
  b("len", (args) => lengthOf(args[0] ?? null));
  b("format_float", (args) =>
    args[0] instanceof HFloat ? formatFloat(args[0].v) : display(args[0] ?? null),
  );

  // `range()` is always half-open; `a to b` is the inclusive form.
  b("range", (args) => {
    if (args.length === 1)
      return new RangeValue(0, rangeBound(args[0]!, "range(n): expected integer argument"), false);
    if (args.length === 2) {
      const message = "range(a, b): expected integer arguments";
      return new RangeValue(rangeBound(args[0]!, message), rangeBound(args[1]!, message), false);
    }
    throw typeError(`range expects 1 or 2 integer arguments, got ${args.length}`);
  });

  b("Ok", (args) => ok(args[0] ?? null));
  b("Err", (args) => err(args[0] ?? null));
  b("is_ok", (args) => isResult(args[0] ?? null) && (args[0] as { variant: string }).variant === "Ok");
  b("is_err", (args) => isResult(args[0] ?? null) && (args[0] as { variant: string }).variant === "Err");
  b("unwrap", (args) => {
    const v = args[0] ?? null;
    if (!isResult(v)) return v;
    if (v.variant === "Ok") return v.fields[0] ?? null;
    throw runtimeError(`unwrap called on Err: ${display(v.fields[0] ?? null)}`);
  });
  b("unwrap_or", (args) => {
    const v = args[0] ?? null;
    if (!isResult(v)) return v;
    return v.variant === "Ok" ? (v.fields[0] ?? null) : (args[1] ?? null);
  });
  b("unwrap_err", (args) => {
    const v = args[0] ?? null;
    if (isResult(v) && v.variant === "Err") return v.fields[0] ?? null;
    throw runtimeError("unwrap_err called on non-Err");
  });

  b("error", (args) => {
    const message = display(args[0] ?? null);
    const category = args.length > 1 ? display(args[1]!) : "generic";
    if (parseCategory(category) !== category) throw thrown(Dict.of({ message, category }));
    throw categorized(category as ErrorCategory, message);
  });

  b("to_list", (args) => {
    const v = args[0] ?? null;
    if (Array.isArray(v)) return v;
    if (v instanceof HSet) return v.items.slice();
    return [v];
  });

  b("min", (args) => numericExtreme(args, -1));
  b("max", (args) => numericExtreme(args, 1));
  b("unreachable", (args) => {
    const detail = args.length > 0 ? `: ${display(args[0]!)}` : "";
    throw runtimeError(`unreachable code was reached${detail}`);
  });
}

/** `min(a, b)` / `max(a, b)` of two numbers (an int and a float give a float); nil otherwise. */
function numericExtreme(args: Value[], sign: number): Value {
  const [a, b] = args;
  if (a === undefined || b === undefined) return null;
  const isInt = (v: Value): boolean => typeof v === "number" || typeof v === "bigint";
  if (isInt(a) && isInt(b)) return compareValues(a, b) * sign >= 0 ? a : b;
  if ((isInt(a) || a instanceof HFloat) && (isInt(b) || b instanceof HFloat)) {
    const x = a instanceof HFloat ? a.v : intToNumber(a as number);
    const y = b instanceof HFloat ? b.v : intToNumber(b as number);
    if (Number.isNaN(x)) return new HFloat(y);
    if (Number.isNaN(y)) return new HFloat(x);
    return new HFloat(sign < 0 ? Math.min(x, y) : Math.max(x, y));
  }
  return null;
}
